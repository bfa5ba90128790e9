using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Dify.Api.Tests.Http;

/// <summary>Signed source URLs of uploads, and the app's own file_upload rules applied to the files of a run.</summary>
public sealed class FileRulesTests
{
    private static JsonObject File(string type, string method, string? uploadId = null, string? url = null)
    {
        var file = new JsonObject { ["type"] = type, ["transfer_method"] = method };
        if (uploadId is not null) file["upload_file_id"] = uploadId;
        if (url is not null) file["url"] = url;
        return file;
    }

    private static async Task<string> UploadTextAsync(ApiHost api, string key, string name, string text)
    {
        using var response = await FileUploadTests.UploadAsync(api, key, name, Encoding.UTF8.GetBytes(text), "text/plain");
        return (await ApiHost.JsonAsync(response))["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task The_source_url_of_an_upload_is_signed_and_serves_the_file_without_an_app_key()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("doc_extract.yml");
        using var upload = await FileUploadTests.UploadAsync(api, key, "signed.txt", Encoding.UTF8.GetBytes("signed bytes"), "text/plain");
        var uploaded = await ApiHost.JsonAsync(upload);
        var id = uploaded["id"]!.GetValue<string>();
        var sourceUrl = new Uri(uploaded["source_url"]!.GetValue<string>());
        Assert.Equal($"/files/{id}/file-preview", sourceUrl.AbsolutePath);
        var query = System.Web.HttpUtility.ParseQueryString(sourceUrl.Query);
        Assert.Matches("^[0-9]+$", query["timestamp"]);
        Assert.Matches("^[0-9a-f]{32}$", query["nonce"]);
        Assert.Matches("^[A-Za-z0-9_-]{43}=$", query["sign"]);

        using (var anonymous = await api.Http.GetAsync(sourceUrl))
        {
            Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
            Assert.Equal("signed bytes", await anonymous.Content.ReadAsStringAsync());
        }

        // The signature names the file and the moment: change either and it no longer opens anything.
        var otherId = await UploadTextAsync(api, key, "other.txt", "other bytes");
        var forOther = sourceUrl.ToString().Replace(id, otherId, StringComparison.Ordinal);
        var later = sourceUrl.ToString().Replace("timestamp=" + query["timestamp"], "timestamp=" + (long.Parse(query["timestamp"]!) + 1000), StringComparison.Ordinal);
        foreach (var forged in new[] { forOther, later, $"files/{id}/file-preview?timestamp={query["timestamp"]}&nonce={query["nonce"]}&sign=AAAA" })
        {
            var refused = await api.JsonAsync(HttpMethod.Get, forged, key: null, status: 404);
            Assert.Equal("File not found or signature is invalid", refused["message"]!.GetValue<string>());
        }
        var missing = await api.JsonAsync(HttpMethod.Get, $"files/{id}/file-preview", key: null, status: 400);
        Assert.Equal("invalid_param", missing["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_signed_url_expires_after_the_access_timeout()
    {
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Api:Files:AccessTimeoutSeconds"] = "1" });
        var (_, key) = await api.ImportAsync("doc_extract.yml");
        using var upload = await FileUploadTests.UploadAsync(api, key, "soon.txt", Encoding.UTF8.GetBytes("expiring"), "text/plain");
        var sourceUrl = (await ApiHost.JsonAsync(upload))["source_url"]!.GetValue<string>();
        using (var fresh = await api.Http.GetAsync(sourceUrl)) Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using var expired = await api.Http.GetAsync(sourceUrl);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
    }

    [Fact]
    public async Task The_apps_file_upload_rules_limit_types_methods_and_counts()
    {
        await using var api = await ApiHost.StartAsync();
        // doc_extract allows 2 documents, uploaded (local_file) only; its "doc" input allows documents by either method.
        var (_, key) = await api.ImportAsync("doc_extract.yml");
        var a = await UploadTextAsync(api, key, "a.txt", "first");
        var b = await UploadTextAsync(api, key, "b.txt", "second");
        var c = await UploadTextAsync(api, key, "c.txt", "third");

        async Task<JsonObject> RunAsync(JsonArray? files, JsonObject? inputs = null, int status = 200) =>
            await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject { ["inputs"] = inputs ?? new JsonObject(), ["files"] = files, ["user"] = "alice" }, status);

        var ok = await RunAsync([File("document", "local_file", a), File("document", "local_file", b)]);
        Assert.Equal(["first", "second"], ok["data"]!["outputs"]!["files_text"]!.AsArray().Select(t => t!.GetValue<string>()));

        var tooMany = await RunAsync([File("document", "local_file", a), File("document", "local_file", b), File("document", "local_file", c)], status: 400);
        Assert.Equal("Number of files exceeds the maximum limit 2", tooMany["message"]!.GetValue<string>());
        Assert.Equal("invalid_param", tooMany["code"]!.GetValue<string>());

        var wrongMethod = await RunAsync([File("document", "remote_url", url: "https://example.com/report.pdf")], status: 400);
        Assert.Equal("File validation failed for file: report.pdf", wrongMethod["message"]!.GetValue<string>());

        var wrongType = await RunAsync([File("image", "local_file", a)], status: 400);
        Assert.Equal("invalid_param", wrongType["code"]!.GetValue<string>());

        // The start input's own rules: documents only; a custom file needs an allowed extension, and none are listed.
        var customInput = await RunAsync(null, new JsonObject { ["doc"] = File("custom", "local_file", a) }, status: 400);
        Assert.Equal("File validation failed for file: a.txt", customInput["message"]!.GetValue<string>());
        using var remoteDoc = await api.SendAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject { ["doc"] = File("document", "remote_url", url: "http://127.0.0.1:9/x.pdf") },
            ["user"] = "alice",
        });
        Assert.DoesNotContain("File validation failed", await remoteDoc.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Files_are_ignored_when_the_app_has_file_upload_off()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("doc_extract_no_uploads.yml");
        var a = await UploadTextAsync(api, key, "a.txt", "first");
        var run = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject(),
            ["files"] = new JsonArray(File("document", "local_file", a)),
            ["user"] = "alice",
        });
        Assert.Empty(run["data"]!["outputs"]!["files_text"]!.AsArray());
    }
}
