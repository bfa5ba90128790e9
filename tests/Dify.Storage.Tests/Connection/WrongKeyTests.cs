using Dify.Storage.Azure;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Tables;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.Connection;

[Collection(AzuriteCollection.Name)]
public sealed class WrongKeyTests(AzuriteFixture azurite)
{
    private static readonly StorageSharedKeyCredential WrongKey =
        new(StorageConnectionString.DevelopmentAccountName, Convert.ToBase64String(new byte[64]));

    [Fact]
    public async Task Blob_request_signed_with_a_wrong_key_is_403_with_an_error_code()
    {
        var client = new BlobStoreClient(azurite.BlobEndpoint, WrongKey, AzuriteFixture.FastOptions());
        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.CreateContainerIfNotExistsAsync("wrongkey"));
        Assert.Equal(403, e.Status);
        Assert.Equal("AuthorizationFailure", e.ErrorCode);
        Assert.False(string.IsNullOrEmpty(e.RequestId));
    }

    [Fact]
    public async Task Table_request_signed_with_a_wrong_key_is_403_with_an_error_code()
    {
        var client = new TableStoreClient(azurite.TableEndpoint, WrongKey, AzuriteFixture.FastOptions());
        var e = await Assert.ThrowsAsync<StorageRequestException>(() => client.CreateTableIfNotExistsAsync("wrongkey"));
        Assert.Equal(403, e.Status);
        Assert.Equal("AuthorizationFailure", e.ErrorCode);
    }

    [Fact]
    public async Task Development_storage_connection_string_signs_correctly()
    {
        // Same account and key as UseDevelopmentStorage=true, pointed at this test's Azurite ports.
        var client = new BlobStoreClient(azurite.BlobEndpoint,
            StorageConnectionString.Parse("UseDevelopmentStorage=true").SharedKey!, AzuriteFixture.FastOptions());
        Assert.True(await client.CreateContainerIfNotExistsAsync("devstorage" + Guid.NewGuid().ToString("N")[..8]));
    }
}
