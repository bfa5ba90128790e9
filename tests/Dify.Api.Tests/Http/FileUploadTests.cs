using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Dify.Api.Tests.Http;

public sealed class FileUploadTests
{
    internal static async Task<HttpResponseMessage> UploadAsync(ApiHost api, string key, string name, byte[] content, string? mime, string? user = "alice", bool twoFiles = false)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        if (mime is not null) file.Headers.ContentType = new MediaTypeHeaderValue(mime);
        form.Add(file, "file", name);
        if (twoFiles) form.Add(new ByteArrayContent(content), "other", name);
        if (user is not null) form.Add(new StringContent(user), "user");
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/files/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await api.Http.SendAsync(request);
    }

    [Fact]
    public async Task Uploaded_documents_are_read_by_a_workflow_from_sys_files_and_from_a_file_input()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("doc_extract.yml");

        using var first = await UploadAsync(api, key, "notes.txt", Encoding.UTF8.GetBytes("Kestrel reads uploads."), "text/plain");
        var uploaded = await ApiHost.JsonAsync(first);
        Assert.Equal(201, (int)first.StatusCode);
        Assert.Equal("notes.txt", uploaded["name"]!.GetValue<string>());
        Assert.Equal(22, uploaded["size"]!.GetValue<int>());
        Assert.Equal("txt", uploaded["extension"]!.GetValue<string>());
        Assert.Equal("text/plain", uploaded["mime_type"]!.GetValue<string>());
        Assert.True(uploaded["created_at"]!.GetValue<long>() > 0);
        Assert.NotNull(uploaded["created_by"]);
        var id = uploaded["id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(id, out _));

        using var second = await UploadAsync(api, key, "more.md", Encoding.UTF8.GetBytes("# Title\nSecond file."), "text/markdown");
        var otherId = (await ApiHost.JsonAsync(second))["id"]!.GetValue<string>();

        var result = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject { ["doc"] = new JsonObject { ["type"] = "document", ["transfer_method"] = "local_file", ["upload_file_id"] = otherId } },
            ["files"] = new JsonArray(new JsonObject { ["type"] = "document", ["transfer_method"] = "local_file", ["upload_file_id"] = id }),
            ["user"] = "alice",
        });
        var data = result["data"]!;
        Assert.Equal("succeeded", data["status"]!.GetValue<string>());
        Assert.Equal("Kestrel reads uploads.", data["outputs"]!["files_text"]![0]!.GetValue<string>());
        Assert.Contains("Second file.", data["outputs"]!["doc_text"]!.GetValue<string>());

        // Another user of the same app cannot use alice's upload.
        var stranger = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["files"] = new JsonArray(new JsonObject { ["type"] = "document", ["transfer_method"] = "local_file", ["upload_file_id"] = id }),
            ["user"] = "bob",
        }, 400);
        Assert.Equal("invalid_param", stranger["code"]!.GetValue<string>());

        // A forged file value is refused.
        var forged = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject { ["x"] = new JsonObject { ["dify_model_identity"] = "__dify__file__", ["related_id"] = id } },
            ["user"] = "bob",
        }, 400);
        Assert.Equal("invalid_param", forged["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Preview_serves_the_bytes_only_to_the_app_that_owns_them()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("doc_extract.yml");
        var (_, otherKey) = await api.ImportAsync("hello.yml");
        var bytes = Encoding.UTF8.GetBytes("préview");
        using var upload = await UploadAsync(api, key, "été.txt", bytes, "text/plain");
        var id = (await ApiHost.JsonAsync(upload))["id"]!.GetValue<string>();

        using var preview = await api.SendAsync(HttpMethod.Get, $"v1/files/{id}/preview", key);
        Assert.Equal(200, (int)preview.StatusCode);
        Assert.Equal("text/plain", preview.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await preview.Content.ReadAsByteArrayAsync());
        Assert.Null(preview.Content.Headers.ContentDisposition);

        using var attachment = await api.SendAsync(HttpMethod.Get, $"v1/files/{id}/preview?as_attachment=true", key);
        Assert.Equal("attachment", attachment.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("été.txt", attachment.Content.Headers.ContentDisposition?.FileNameStar);

        var notYours = await api.JsonAsync(HttpMethod.Get, $"v1/files/{id}/preview", otherKey, status: 404);
        Assert.Equal("not_found", notYours["code"]!.GetValue<string>());
        await api.JsonAsync(HttpMethod.Get, "v1/files/not-a-guid/preview", key, status: 404);
    }

    [Fact]
    public async Task Upload_errors_use_Difys_codes()
    {
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Api:Uploads:ImageSizeLimitBytes"] = "1024" });
        var (_, key) = await api.ImportAsync("hello.yml");

        async Task Expect(HttpResponseMessage response, int status, string code)
        {
            using (response)
            {
                var json = await ApiHost.JsonAsync(response);
                Assert.True(status == (int)response.StatusCode, json.ToJsonString());
                Assert.Equal(code, json["code"]!.GetValue<string>());
            }
        }

        await Expect(await UploadAsync(api, key, "big.png", new byte[2048], "image/png"), 413, "file_too_large");
        using (var small = await UploadAsync(api, key, "small.png", new byte[512], "image/png")) Assert.Equal(201, (int)small.StatusCode);
        await Expect(await UploadAsync(api, key, "tool.exe", new byte[10], "application/octet-stream"), 415, "unsupported_file_type");
        await Expect(await UploadAsync(api, key, "photo.png", new byte[10], "video/mp4"), 415, "unsupported_file_type");
        await Expect(await UploadAsync(api, key, "a.txt", new byte[10], "text/plain", twoFiles: true), 400, "too_many_files");

        using var empty = new HttpRequestMessage(HttpMethod.Post, "v1/files/upload") { Content = new MultipartFormDataContent { { new StringContent("alice"), "user" } } };
        empty.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Expect(await api.Http.SendAsync(empty), 400, "no_file_uploaded");
    }
}
