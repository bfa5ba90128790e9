using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Tables;

namespace Dify.Storage.Tests.Connection;

public sealed class StorageConnectionStringTests
{
    private const string Key = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5";

    [Fact]
    public void Development_storage_expands_to_azurite_defaults()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");
        Assert.True(parsed.IsDevelopmentStorage);
        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal("devstoreaccount1", parsed.SharedKey!.AccountName);
        Assert.Null(parsed.SharedAccessSignature);
    }

    [Fact]
    public void Development_storage_proxy_changes_the_host()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://azurite.local");
        Assert.Equal(new Uri("http://azurite.local:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://azurite.local:10002/devstoreaccount1"), parsed.TableEndpoint);
    }

    [Fact]
    public void Account_key_builds_endpoints_from_protocol_and_suffix()
    {
        var parsed = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");
        Assert.Equal(new Uri("https://myacct.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://myacct.queue.core.chinacloudapi.cn"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://myacct.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
        Assert.Equal("myacct", parsed.SharedKey!.AccountName);
        Assert.False(parsed.IsDevelopmentStorage);
    }

    [Fact]
    public void Defaults_are_https_and_core_windows_net()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=acct;AccountKey={Key}");
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), parsed.BlobEndpoint);
    }

    [Fact]
    public void Explicit_endpoints_win_and_keys_are_case_insensitive_with_loose_whitespace()
    {
        var parsed = StorageConnectionString.Parse(
            $" accountname=devstoreaccount1 ; accountkey={Key};BLOBENDPOINT=http://127.0.0.1:10000/devstoreaccount1;;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1; ");
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(new Uri("https://devstoreaccount1.queue.core.windows.net"), parsed.QueueEndpoint);
    }

    [Fact]
    public void Shared_access_signature_keeps_its_equals_signs_and_drops_a_leading_question_mark()
    {
        var parsed = StorageConnectionString.Parse("BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=?sv=2021-12-02&sig=abc%3D%3D&se=2030");
        Assert.Equal("sv=2021-12-02&sig=abc%3D%3D&se=2030", parsed.SharedAccessSignature!.Signature);
        Assert.Null(parsed.SharedKey);
        Assert.Null(parsed.TableEndpoint);
        Assert.Null(parsed.AccountName);

        // A blob-only SAS string cannot make a table client.
        Assert.Throws<InvalidOperationException>(() => new TableStoreClient(parsed));
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), new BlobStoreClient(parsed).ServiceUri);
    }

    [Fact]
    public void To_string_hides_the_key_and_the_signature()
    {
        var withKey = StorageConnectionString.Parse($"AccountName=acct;AccountKey={Key}");
        var withSas = StorageConnectionString.Parse("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=topsecret");
        Assert.DoesNotContain(Key, withKey.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, withKey.SharedKey!.ToString(), StringComparison.Ordinal);
        Assert.Contains("SharedKey", withKey.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", withSas.ToString(), StringComparison.Ordinal);
        Assert.Contains("SAS", withSas.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("UseDevelopmentStorage=false")]
    [InlineData("UseDevelopmentStorage=maybe")]
    [InlineData("AccountKey=" + Key)]
    [InlineData("AccountName=a;AccountKey=" + Key + ";SharedAccessSignature=sv=1")]
    [InlineData("AccountName=a;AccountName=b")]
    [InlineData("AccountName=a;DefaultEndpointsProtocol=ftp")]
    [InlineData("BlobEndpoint=not a uri")]
    [InlineData("BlobEndpoint=ftp://host/x")]
    [InlineData("DefaultEndpointsProtocol=https")]
    public void Invalid_strings_are_rejected(string connectionString)
    {
        Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));
        Assert.False(StorageConnectionString.TryParse(connectionString, out var result));
        Assert.Null(result);
    }

    [Fact]
    public void A_bad_key_is_reported_without_echoing_it()
    {
        const string secret = "not*base64*secret";
        var e = Assert.Throws<FormatException>(() => StorageConnectionString.Parse($"AccountName=a;AccountKey={secret}"));
        Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
        Assert.Contains("AccountKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_with_a_query_is_refused_so_sas_tokens_travel_as_credentials()
    {
        Assert.Throws<ArgumentException>(() => new BlobStoreClient(
            new Uri("https://a.blob.core.windows.net/?sig=x"), new StorageSharedKeyCredential("a", Key)));
    }
}
