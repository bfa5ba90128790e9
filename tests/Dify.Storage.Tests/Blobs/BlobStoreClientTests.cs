using System.Security.Cryptography;
using Azure;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Tests.Azurite;
using Xunit.Abstractions;

namespace Dify.Storage.Tests.Blobs;

[Collection(AzuriteCollection.Name)]
public sealed class BlobStoreClientTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private readonly BlobStoreClient _client = azurite.CreateBlobClient();

    private async Task<string> NewContainerAsync()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..20];
        Assert.True(await _client.CreateContainerIfNotExistsAsync(name));
        return name;
    }

    [Fact]
    public async Task Create_container_is_idempotent()
    {
        var name = await NewContainerAsync();
        Assert.False(await _client.CreateContainerIfNotExistsAsync(name));
        Assert.True(await _client.DeleteContainerIfExistsAsync(name));
        Assert.False(await _client.DeleteContainerIfExistsAsync(name));
    }

    [Fact]
    public async Task Put_then_get_round_trips_content_type_and_metadata()
    {
        var container = await NewContainerAsync();
        var written = await _client.PutAsync(container, "docs/a.txt", BinaryData.FromString("hello blob"), new BlobPutOptions
        {
            ContentType = "text/plain; charset=utf-8",
            Metadata = new Dictionary<string, string> { ["origin"] = "test", ["Run_Id"] = "42" },
        });
        Assert.NotEqual(default, written.ETag);

        await using (var download = await _client.GetAsync(container, "docs/a.txt"))
        {
            using var reader = new StreamReader(download.Content);
            Assert.Equal("hello blob", await reader.ReadToEndAsync());
            Assert.Equal(10, download.Properties.ContentLength);
            Assert.Equal("text/plain; charset=utf-8", download.Properties.ContentType);
            Assert.Equal(written.ETag, download.Properties.ETag);
            Assert.Equal("test", download.Properties.Metadata["origin"]);
            Assert.Equal("42", download.Properties.Metadata["run_id"]);
        }

        var properties = await _client.GetPropertiesAsync(container, "docs/a.txt");
        Assert.Equal(10, properties.ContentLength);
        Assert.Equal(written.ETag, properties.ETag);
        Assert.Equal(2, properties.Metadata.Count);
    }

    [Fact]
    public async Task Get_with_range_returns_the_slice_and_the_whole_size()
    {
        var container = await NewContainerAsync();
        await _client.PutAsync(container, "digits", BinaryData.FromString("0123456789"));

        await using var middle = await _client.GetAsync(container, "digits", new BlobRange(3, 4));
        Assert.Equal("3456", await new StreamReader(middle.Content).ReadToEndAsync());
        Assert.Equal(4, middle.ContentLength);
        Assert.Equal(10, middle.Properties.ContentLength);

        await using var tail = await _client.GetAsync(container, "digits", new BlobRange(7));
        Assert.Equal("789", await new StreamReader(tail.Content).ReadToEndAsync());
    }

    [Fact]
    public async Task Set_metadata_replaces_it_and_changes_the_etag()
    {
        var container = await NewContainerAsync();
        var first = await _client.PutAsync(container, "m", BinaryData.FromString("x"), new BlobPutOptions { Metadata = new Dictionary<string, string> { ["a"] = "1" } });
        var second = await _client.SetMetadataAsync(container, "m", new Dictionary<string, string> { ["b"] = "2" }, BlobConditions.Match(first.ETag));
        Assert.NotEqual(first.ETag, second.ETag);

        var properties = await _client.GetPropertiesAsync(container, "m");
        Assert.Equal(["b"], properties.Metadata.Keys);
        Assert.Equal("2", properties.Metadata["b"]);

        var stale = await Assert.ThrowsAsync<StorageRequestException>(() =>
            _client.SetMetadataAsync(container, "m", new Dictionary<string, string> { ["c"] = "3" }, BlobConditions.Match(first.ETag)));
        Assert.Equal(412, stale.Status);
        Assert.Equal("ConditionNotMet", stale.ErrorCode);
    }

    [Fact]
    public async Task List_pages_with_marker_and_prefix()
    {
        var container = await NewContainerAsync();
        for (var i = 0; i < 25; i++)
        {
            await _client.PutAsync(container, $"page/{i:D2}.txt", BinaryData.FromString(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new BlobPutOptions { Metadata = new Dictionary<string, string> { ["index"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        }
        await _client.PutAsync(container, "other/x.txt", BinaryData.FromString("not listed"));

        var names = new List<string>();
        var pageSizes = new List<int>();
        string? marker = null;
        do
        {
            var page = await _client.ListAsync(container, new BlobListOptions { Prefix = "page/", MaxResults = 10, Marker = marker, IncludeMetadata = true });
            pageSizes.Add(page.Items.Count);
            names.AddRange(page.Items.Select(b => b.Name));
            Assert.All(page.Items, b => Assert.Equal(b.Name[5..7].TrimStart('0').PadLeft(1, '0'), b.Metadata["index"]));
            marker = page.NextMarker;
        }
        while (marker is not null);

        Assert.Equal([10, 10, 5], pageSizes);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"page/{i:D2}.txt"), names);

        var all = new List<BlobItem>();
        await foreach (var item in _client.ListAllAsync(container)) all.Add(item);
        Assert.Equal(26, all.Count);
        var listed = all.Single(b => b.Name == "page/07.txt");
        Assert.Equal(1, listed.ContentLength);
        Assert.Equal((await _client.GetPropertiesAsync(container, "page/07.txt")).ETag, listed.ETag);
    }

    [Fact]
    public async Task Large_stream_goes_up_in_blocks_with_bounded_memory()
    {
        var container = await NewContainerAsync();
        const long size = 20L * 1024 * 1024 + 12345;
        const int blockSize = 4 * 1024 * 1024;
        using var source = new GeneratedStream(size, seed: 7);

        // Warm up the pipeline so connection setup does not count.
        await _client.PutAsync(container, "warm", BinaryData.FromString("w"));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var written = await _client.PutAsync(container, "big.bin", source, new BlobPutOptions { BlockSize = blockSize, ContentType = "application/x-test" });
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"uploading {size:N0} bytes in {blockSize:N0}-byte blocks allocated {allocated:N0} bytes");
        // One pooled block buffer plus pipeline overhead; far below the 20 MB that went up.
        Assert.True(allocated < 8L * 1024 * 1024, $"upload allocated {allocated:N0} bytes");
        Assert.True(source.LargestRead <= blockSize);

        var blocks = await _client.GetBlockListAsync(container, "big.bin");
        Assert.Equal(6, blocks.Count);
        Assert.All(blocks.Take(5), b => Assert.Equal(blockSize, b.Size));
        Assert.Equal(size - 5L * blockSize, blocks[5].Size);

        await using var download = await _client.GetAsync(container, "big.bin");
        Assert.Equal(size, download.Properties.ContentLength);
        Assert.Equal("application/x-test", download.Properties.ContentType);
        Assert.Equal(written.ETag, download.Properties.ETag);
        using var sha = SHA256.Create();
        var downloadedHash = await sha.ComputeHashAsync(download.Content);
        Assert.Equal(Convert.ToHexString(source.Sha256()), Convert.ToHexString(downloadedHash));
    }

    [Fact]
    public async Task Stream_that_fits_one_block_is_a_single_put()
    {
        var container = await NewContainerAsync();
        using var source = new GeneratedStream(1000, seed: 1);
        await _client.PutAsync(container, "small.bin", source, new BlobPutOptions { BlockSize = 1024 });
        Assert.Empty(await _client.GetBlockListAsync(container, "small.bin"));

        using var exact = new GeneratedStream(2048, seed: 2);
        await _client.PutAsync(container, "two-blocks.bin", exact, new BlobPutOptions { BlockSize = 1024 });
        Assert.Equal([1024L, 1024L], (await _client.GetBlockListAsync(container, "two-blocks.bin")).Select(b => b.Size));
        var content = await _client.GetContentAsync(container, "two-blocks.bin");
        Assert.Equal(Convert.ToHexString(exact.Sha256()), Convert.ToHexString(SHA256.HashData(content.ToArray())));
    }

    [Fact]
    public async Task Stale_if_match_fails_with_412_condition_not_met()
    {
        var container = await NewContainerAsync();
        var v1 = await _client.PutAsync(container, "doc", BinaryData.FromString("v1"));
        var v2 = await _client.PutAsync(container, "doc", BinaryData.FromString("v2"), new BlobPutOptions { Conditions = BlobConditions.Match(v1.ETag) });
        Assert.NotEqual(v1.ETag, v2.ETag);

        var put = await Assert.ThrowsAsync<StorageRequestException>(() =>
            _client.PutAsync(container, "doc", BinaryData.FromString("v3"), new BlobPutOptions { Conditions = BlobConditions.Match(v1.ETag) }));
        Assert.Equal(412, put.Status);
        Assert.Equal("ConditionNotMet", put.ErrorCode);
        Assert.False(string.IsNullOrEmpty(put.RequestId));

        // A block upload checks the condition at commit time.
        var blocks = await Assert.ThrowsAsync<StorageRequestException>(() =>
            _client.PutAsync(container, "doc", new GeneratedStream(3000, 3), new BlobPutOptions { BlockSize = 1024, Conditions = BlobConditions.Match(v1.ETag) }));
        Assert.Equal(412, blocks.Status);

        var delete = await Assert.ThrowsAsync<StorageRequestException>(() => _client.DeleteAsync(container, "doc", BlobConditions.Match(v1.ETag)));
        Assert.Equal(412, delete.Status);

        Assert.Equal("v2", (await _client.GetContentAsync(container, "doc")).ToString());
        await _client.DeleteAsync(container, "doc", BlobConditions.Match(v2.ETag));
    }

    [Fact]
    public async Task Create_only_write_conflicts_with_409_blob_already_exists()
    {
        var container = await NewContainerAsync();
        await _client.PutAsync(container, "once", BinaryData.FromString("first"), new BlobPutOptions { Conditions = BlobConditions.CreateOnly });

        var again = await Assert.ThrowsAsync<StorageRequestException>(() =>
            _client.PutAsync(container, "once", BinaryData.FromString("second"), new BlobPutOptions { Conditions = BlobConditions.CreateOnly }));
        Assert.Equal(409, again.Status);
        Assert.Equal("BlobAlreadyExists", again.ErrorCode);
        Assert.Equal("first", (await _client.GetContentAsync(container, "once")).ToString());
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_missing_blobs_report_blob_not_found()
    {
        var container = await NewContainerAsync();
        await _client.PutAsync(container, "gone", BinaryData.FromString("x"));
        await _client.DeleteAsync(container, "gone");

        var missing = await Assert.ThrowsAsync<StorageRequestException>(() => _client.GetPropertiesAsync(container, "gone"));
        Assert.Equal(404, missing.Status);
        Assert.Equal("BlobNotFound", missing.ErrorCode);

        var get = await Assert.ThrowsAsync<StorageRequestException>(() => _client.GetAsync(container, "gone"));
        Assert.Equal("BlobNotFound", get.ErrorCode);
        Assert.Contains("/gone", get.Message, StringComparison.Ordinal);

        Assert.False(await _client.DeleteIfExistsAsync(container, "gone"));
        var delete = await Assert.ThrowsAsync<StorageRequestException>(() => _client.DeleteAsync(container, "gone"));
        Assert.Equal(404, delete.Status);
    }

    [Fact]
    public async Task Names_with_spaces_unicode_and_reserved_characters_round_trip()
    {
        var container = await NewContainerAsync();
        string[] names = ["dir/sub dir/ä ö+ü.txt", "q?a=b&c#d", "percent%20literal", "quote's (1).json"];
        foreach (var name in names)
        {
            await _client.PutAsync(container, name, BinaryData.FromString(name));
            Assert.Equal(name, (await _client.GetContentAsync(container, name)).ToString());
        }

        var listed = new List<string>();
        await foreach (var item in _client.ListAllAsync(container)) listed.Add(item.Name);
        Assert.Equal(names.Order(StringComparer.Ordinal), listed);

        var page = await _client.ListAsync(container, new BlobListOptions { Prefix = "dir/sub dir/" });
        Assert.Equal("dir/sub dir/ä ö+ü.txt", Assert.Single(page.Items).Name);
    }

    [Fact]
    public async Task Missing_container_reports_container_not_found()
    {
        var e = await Assert.ThrowsAsync<StorageRequestException>(() => _client.PutAsync("nosuchcontainer", "x", BinaryData.FromString("x")));
        Assert.Equal(404, e.Status);
        Assert.Equal("ContainerNotFound", e.ErrorCode);
    }

    [Fact]
    public async Task Etag_from_write_matches_what_a_get_reports()
    {
        var container = await NewContainerAsync();
        var written = await _client.PutAsync(container, "e", BinaryData.FromString("e"));
        Assert.Equal(written.ETag, (await _client.GetPropertiesAsync(container, "e")).ETag);
        Assert.NotEqual(ETag.All, written.ETag);
    }
}
