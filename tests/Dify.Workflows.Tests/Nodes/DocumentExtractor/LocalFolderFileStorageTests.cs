using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Files;
using Dify.Workflows.Tests.Nodes.HttpRequest;
using Dify.Workflows.Values;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dify.Workflows.Tests.Nodes.DocumentExtractor;

public sealed class LocalFolderFileStorageTests : IDisposable
{
    private readonly TempStorage _temp = new(new LocalFolderFileStorageOptions { MaxFileBytes = 64, MaxRemoteBytes = 32, UrlFor = i => "/files/" + i.Id });

    public void Dispose() => _temp.Dispose();

    private static async Task<string> ReadAsync(Stream stream)
    {
        await using (stream)
        using (var reader = new StreamReader(stream))
            return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Save_returns_a_file_value_and_records_metadata()
    {
        var file = await _temp.Storage.SaveAsync("../../etc/Report.CSV", "text/csv; charset=utf-8", new MemoryStream(Encoding.UTF8.GetBytes("a,b")), CancellationToken.None);

        Assert.True(FileValue.IsFile(file));
        Assert.Equal("Report.CSV", file["filename"]!.GetValue<string>()); // a name, never a path
        Assert.Equal(".csv", file["extension"]!.GetValue<string>());
        Assert.Equal("text/csv", file["mime_type"]!.GetValue<string>());
        Assert.Equal("document", file["type"]!.GetValue<string>());
        Assert.Equal("tool_file", file["transfer_method"]!.GetValue<string>());
        Assert.Equal(3, file["size"]!.GetValue<long>());
        var id = file["related_id"]!.GetValue<string>();
        Assert.Equal("/files/" + id, file["url"]!.GetValue<string>());
        Assert.True(_temp.Storage.TryGetInfo(id, out var info));
        Assert.Equal(3, info!.Size);
        Assert.Equal("a,b", await ReadAsync(await _temp.Storage.OpenReadAsync(file, CancellationToken.None)));
        Assert.Equal(2, Directory.GetFiles(_temp.Folder).Length); // content + metadata, no temp files left
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\x")]
    [InlineData("")]
    [InlineData("0000000000000000000000000000000g")]
    public async Task Ids_that_are_not_guids_are_rejected(string id)
    {
        Assert.False(_temp.Storage.TryGetInfo(id, out _));
        var file = FileValue.Create("document", "local_file", "x.txt", ".txt", "text/plain", 1, relatedId: id);
        await Assert.ThrowsAsync<FileStorageException>(() => _temp.Storage.OpenReadAsync(file, CancellationToken.None));
    }

    [Fact]
    public async Task Upload_file_id_and_other_guid_spellings_resolve()
    {
        var saved = await _temp.SaveTextAsync("a.txt", "x");
        var id = Guid.Parse(saved["related_id"]!.GetValue<string>());
        var mapping = new JsonObject { ["transfer_method"] = "local_file", ["upload_file_id"] = id.ToString("D").ToUpperInvariant(), ["filename"] = "a.txt" };

        Assert.Equal("x", await ReadAsync(await _temp.Storage.OpenReadAsync(mapping, CancellationToken.None)));
    }

    [Fact]
    public async Task Files_over_the_limit_are_refused_and_leave_nothing_behind()
    {
        var e = await Assert.ThrowsAsync<FileStorageException>(() => _temp.SaveAsync("big.bin", null, new byte[65]));

        Assert.Contains("larger than the limit", e.Message);
        Assert.Empty(Directory.GetFiles(_temp.Folder));
    }

    [Fact]
    public async Task Remote_files_are_fetched_with_a_size_limit()
    {
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.MapGet("/small.txt", () => Results.Text("remote!"));
            app.MapGet("/large.txt", () => Results.Text(new string('x', 100)));
            app.MapGet("/missing", () => Results.NotFound());
        });
        using var client = new HttpClient();
        using var temp = new TempStorage(new LocalFolderFileStorageOptions { MaxRemoteBytes = 32 }, client);
        JsonObject Remote(string path) => FileValue.Create("document", "remote_url", "f.txt", ".txt", "text/plain", 0, remoteUrl: server.BaseUrl + path);

        Assert.Equal("remote!", await ReadAsync(await temp.Storage.OpenReadAsync(Remote("/small.txt"), CancellationToken.None)));
        var tooLarge = await Assert.ThrowsAsync<FileStorageException>(() => temp.Storage.OpenReadAsync(Remote("/large.txt"), CancellationToken.None));
        Assert.Contains("larger than the limit", tooLarge.Message);
        var missing = await Assert.ThrowsAsync<FileStorageException>(() => temp.Storage.OpenReadAsync(Remote("/missing"), CancellationToken.None));
        Assert.Contains("404", missing.Message);
    }

    [Fact]
    public async Task Remote_files_need_a_client_and_an_http_url()
    {
        var remote = FileValue.Create("document", "remote_url", "f.txt", ".txt", "text/plain", 0, remoteUrl: "file:///etc/passwd");

        var e = await Assert.ThrowsAsync<FileStorageException>(() => _temp.Storage.OpenReadAsync(remote, CancellationToken.None));

        Assert.Equal("Missing or invalid URL for remote file.", e.Message);
    }
}
