using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Cloud.Files;
using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;
using Dify.Workflows.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static Dify.Cloud.Tests.CloudHttp;

namespace Dify.Cloud.Tests;

/// <summary>Uploads, previews and node-made files in the <c>files</c> Blob container (Azurite), read by runs and by other instances.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FileStorageTests(AzuriteFixture azurite)
{
    private const string Manual = "Torque for M8 bolts: 25 newton metres.";
    private const string Report = "Line 3 stopped at 14:02 for a belt change.";

    [Fact]
    public async Task An_uploaded_file_is_previewed_and_read_by_a_run_and_files_fetched_by_nodes_land_in_blob_storage()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        await using var web = await ReportServerAsync();
        var (_, key) = await ImportAsync(cloud.Http, CloudApps.Files);

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Manual));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "manual.txt");
        form.Add(new StringContent("alice"), "user");
        using var uploadRequest = new HttpRequestMessage(HttpMethod.Post, "v1/files/upload") { Content = form };
        uploadRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var upload = await cloud.Http.SendAsync(uploadRequest);
        var uploaded = JsonNode.Parse(await upload.Content.ReadAsStringAsync())!;
        Assert.True(upload.StatusCode == HttpStatusCode.Created, uploaded.ToJsonString());
        var id = uploaded["id"]!.GetValue<string>();

        // The bytes are a blob named by the id, with the upload's name and type.
        var account = cloud.Get<AzureStoreAccount>();
        var blob = await account.Blobs.GetPropertiesAsync("files", Guid.Parse(id).ToString("N"));
        Assert.Equal(("text/plain", (long)Manual.Length), (blob.ContentType, blob.ContentLength));

        using var previewRequest = new HttpRequestMessage(HttpMethod.Get, $"v1/files/{id}/preview");
        previewRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var preview = await cloud.Http.SendAsync(previewRequest);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(Manual, await preview.Content.ReadAsStringAsync());

        // The signed source_url needs no key: any instance finds the upload by id alone.
        var sourceUrl = new Uri(uploaded["source_url"]!.GetValue<string>());
        using var signed = await cloud.Http.GetAsync(sourceUrl.PathAndQuery.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(Manual, await signed.Content.ReadAsStringAsync());
        using var tampered = await cloud.Http.GetAsync(sourceUrl.PathAndQuery.TrimStart('/').Replace("sign=", "sign=x", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, tampered.StatusCode);

        var run = await SendAsync(cloud.Http, HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject
            {
                ["doc"] = new JsonObject { ["type"] = "document", ["transfer_method"] = "local_file", ["upload_file_id"] = id },
                ["url"] = new Uri(web.Address, "report").AbsoluteUri,
            },
            ["response_mode"] = "blocking",
            ["user"] = "alice",
        });
        var data = run["data"]!;
        Assert.True(data["status"]!.GetValue<string>() == "succeeded", data.ToJsonString());
        Assert.Equal(Manual, data["outputs"]!["doc_text"]!.GetValue<string>());
        Assert.Equal(Report, data["outputs"]!["report_text"]![0]!.GetValue<string>());

        // The file the http-request node fetched is a blob too: another instance (its own storage object) reads it.
        var fetched = data["outputs"]!["fetched"]![0]!.AsObject();
        Assert.Equal("tool_file", fetched["transfer_method"]!.GetValue<string>());
        var otherInstance = new BlobFileStorage(account, "files", remoteClient: null, TimeProvider.System);
        var info = await otherInstance.GetInfoAsync(fetched["related_id"]!.GetValue<string>(), CancellationToken.None);
        Assert.Equal(("report.txt", "tool_file", (long)Report.Length), (info!.Filename, info.TransferMethod, info.Size));
        await using var content = await otherInstance.OpenReadAsync(fetched, CancellationToken.None);
        Assert.Equal(Report, await new StreamReader(content).ReadToEndAsync());
    }

    [Fact]
    public async Task Oversized_content_commits_nothing_and_unknown_or_malformed_ids_are_not_found()
    {
        var account = new AzureStoreAccount(azurite.ConnectionString);
        var container = "files-" + Guid.NewGuid().ToString("N")[..12];
        await account.Blobs.CreateContainerIfNotExistsAsync(container);
        var storage = new BlobFileStorage(account, container, remoteClient: null, TimeProvider.System, new LocalFolderFileStorageOptions { MaxFileBytes = 16 });

        var error = await Assert.ThrowsAsync<FileStorageException>(() => storage.SaveAsync("big.txt", "text/plain", new MemoryStream(new byte[17]), CancellationToken.None));
        Assert.Contains("big.txt", error.Message, StringComparison.Ordinal);
        Assert.Empty((await account.Blobs.ListAsync(container)).Items);

        var saved = await storage.SaveAsync("../../évian notes.txt", "", new MemoryStream(new byte[16]), "local_file", CancellationToken.None);
        Assert.Equal(("évian notes.txt", "local_file", "text/plain"), (saved["filename"]!.GetValue<string>(), saved["transfer_method"]!.GetValue<string>(), saved["mime_type"]!.GetValue<string>()));
        Assert.Equal("évian notes.txt", (await storage.GetInfoAsync(saved["related_id"]!.GetValue<string>(), CancellationToken.None))!.Filename);

        Assert.Null(await storage.GetInfoAsync(Guid.NewGuid().ToString(), CancellationToken.None));
        Assert.Null(await storage.GetInfoAsync("../x", CancellationToken.None));
        var missing = await Assert.ThrowsAsync<FileStorageException>(() => storage.OpenReadAsync(new JsonObject { ["related_id"] = Guid.NewGuid().ToString(), ["filename"] = "gone.txt" }, CancellationToken.None));
        Assert.Contains("gone.txt", missing.Message, StringComparison.Ordinal);
    }

    private sealed class ReportServer(WebApplication app) : IAsyncDisposable
    {
        public Uri Address { get; } = new(app.Urls.First().TrimEnd('/') + "/");
        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    private static async Task<ReportServer> ReportServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/report", (HttpContext http) =>
        {
            http.Response.Headers.ContentDisposition = "attachment; filename=report.txt";
            return Results.Text(Report, "text/plain");
        });
        await app.StartAsync();
        return new ReportServer(app);
    }
}
