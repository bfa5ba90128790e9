using System.Text;
using Azure;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Tables;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.Pipeline;

/// <summary>Retries, error parsing and SAS handling, against a scripted Kestrel server.</summary>
public sealed class PipelineTests
{
    private static readonly StorageSharedKeyCredential Key =
        new(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey);

    private static StorageClientOptions Options(int maxRetries = 3)
    {
        var options = AzuriteFixture.FastOptions();
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    private static ScriptedResponse Busy => new(503, new Dictionary<string, string> { ["x-ms-error-code"] = "ServerBusy" },
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>Try later.</Message></Error>");

    [Fact]
    public async Task Put_retries_503_twice_then_succeeds_resending_a_freshly_signed_request()
    {
        await using var server = await ScriptedServer.StartAsync(Busy, Busy,
            new ScriptedResponse(201, new Dictionary<string, string> { ["ETag"] = "\"0x1\"", ["Last-Modified"] = "Wed, 01 May 2024 10:00:00 GMT" }));
        var client = new BlobStoreClient(server.AccountEndpoint, Key, Options());

        var result = await client.PutAsync("c", "b.txt", BinaryData.FromString("payload"));

        Assert.Equal(new ETag("0x1"), result.ETag);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), result.LastModified);
        var requests = server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("PUT", r.Method);
            Assert.Equal("/devstoreaccount1/c/b.txt", r.Path);
            Assert.Equal("payload", Encoding.UTF8.GetString(r.Body));
            Assert.StartsWith("SharedKey devstoreaccount1:", r.Headers["Authorization"], StringComparison.Ordinal);
            Assert.Equal(StorageClientOptions.DefaultApiVersion, r.Headers["x-ms-version"]);
            Assert.Equal("BlockBlob", r.Headers["x-ms-blob-type"]);
            Assert.True(r.Headers.ContainsKey("x-ms-date"));
        });
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Transient_statuses_are_retried(int status)
    {
        await using var server = await ScriptedServer.StartAsync(new ScriptedResponse(status), new ScriptedResponse(200));
        var client = new BlobStoreClient(server.AccountEndpoint, Key, Options());
        await client.GetPropertiesAsync("c", "b");
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Status_400_is_not_retried_and_carries_code_message_and_request_id()
    {
        await using var server = await ScriptedServer.StartAsync(new ScriptedResponse(400, new Dictionary<string, string> { ["x-ms-error-code"] = "InvalidHeaderValue" },
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InvalidHeaderValue</Code><Message>The value for one of the HTTP headers is not in the correct format.\nRequestId:abc\nTime:2024</Message></Error>"));
        var client = new BlobStoreClient(server.AccountEndpoint, Key, Options());

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.PutAsync("c", "b", BinaryData.FromString("x")));

        Assert.Single(server.Requests);
        Assert.Equal(400, e.Status);
        Assert.Equal("InvalidHeaderValue", e.ErrorCode);
        Assert.Equal("req-1", e.RequestId);
        Assert.Contains("PUT /devstoreaccount1/c/b", e.Message, StringComparison.Ordinal);
        Assert.Contains("not in the correct format.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Time:2024", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistent_503_gives_up_after_max_retries()
    {
        await using var server = await ScriptedServer.StartAsync(Busy);
        var client = new BlobStoreClient(server.AccountEndpoint, Key, Options(maxRetries: 2));

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.GetPropertiesAsync("c", "b"));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(503, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
    }

    [Fact]
    public async Task Table_error_code_is_read_from_the_odata_json_body()
    {
        await using var server = await ScriptedServer.StartAsync(new ScriptedResponse(409, null,
            """{"odata.error":{"code":"EntityAlreadyExists","message":{"lang":"en-US","value":"The specified entity already exists.\nRequestId:x"}}}""",
            "application/json;odata=minimalmetadata"));
        var client = new TableStoreClient(server.AccountEndpoint, Key, Options());

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.InsertAsync("people", new TableEntity("p", "r")));

        Assert.Equal(409, e.Status);
        Assert.Equal("EntityAlreadyExists", e.ErrorCode);
        Assert.Contains("The specified entity already exists.", e.Message, StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/devstoreaccount1/people", request.Path);
        Assert.Equal("application/json", request.Headers["Content-Type"]);
        Assert.StartsWith("SharedKey devstoreaccount1:", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sas_is_appended_to_the_query_and_kept_out_of_errors()
    {
        const string sas = "sv=2021-12-02&ss=b&srt=sco&sp=rwdl&se=2030-01-01T00%3A00%3A00Z&sig=c2VjcmV0c2lnbmF0dXJl";
        await using var server = await ScriptedServer.StartAsync(new ScriptedResponse(403, new Dictionary<string, string> { ["x-ms-error-code"] = "AuthenticationFailed" }));
        var client = new BlobStoreClient($"BlobEndpoint={server.AccountEndpoint};SharedAccessSignature=?{sas}", Options());

        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.ListAsync("c", new BlobListOptions { Prefix = "p" }));

        var request = Assert.Single(server.Requests);
        Assert.Contains("restype=container", request.Query, StringComparison.Ordinal);
        Assert.Contains("sig=c2VjcmV0c2lnbmF0dXJl", request.Query, StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal(403, e.Status);
        Assert.Equal("AuthenticationFailed", e.ErrorCode);
        Assert.DoesNotContain("sig=", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0c2lnbmF0dXJl", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_connection_becomes_a_storage_exception_with_status_0()
    {
        var port = 0;
        await using (var server = await ScriptedServer.StartAsync(new ScriptedResponse(200)))
        {
            port = server.BaseAddress.Port;
        }
        var client = new BlobStoreClient(new Uri($"http://127.0.0.1:{port}/devstoreaccount1"), Key, Options(maxRetries: 1));
        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.GetPropertiesAsync("c", "b"));
        Assert.Equal(0, e.Status);
        Assert.DoesNotContain(StorageConnectionString.DevelopmentAccountKey, e.ToString(), StringComparison.Ordinal);
    }
}
