using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Files;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.HttpRequest;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;
using static Dify.Workflows.Tests.Nodes.Code.IoNodeHarness;

namespace Dify.Workflows.Tests.Nodes.HttpRequest;

public sealed class HttpRequestNodeTests(HttpServerFixture fixture) : IClassFixture<HttpServerFixture>, IDisposable
{
    private readonly HttpRequestNode _node = new(fixture.Storage);
    private string Base => fixture.Server.BaseUrl;

    public void Dispose() => _node.Dispose();

    private static JsonObject Data(string method, string url, JsonObject? extra = null)
    {
        var data = new JsonObject
        {
            ["method"] = method,
            ["url"] = url,
            ["authorization"] = new JsonObject { ["type"] = "no-auth" },
            ["headers"] = "",
            ["params"] = "",
            ["body"] = new JsonObject { ["type"] = "none", ["data"] = new JsonArray() },
            ["timeout"] = new JsonObject { ["connect"] = 5, ["read"] = 10, ["write"] = 10 },
        };
        foreach (var (k, v) in extra ?? []) data[k] = v?.DeepClone();
        return data;
    }

    private static JsonObject Body(string type, params JsonObject[] items) => new() { ["type"] = type, ["data"] = new JsonArray(items) };
    private static JsonObject Text(string key, string value) => new() { ["key"] = key, ["type"] = "text", ["value"] = value };

    private static VariablePool Pool(params (string Name, JsonNode? Value)[] vars)
    {
        var pool = new VariablePool();
        foreach (var (name, value) in vars) pool.Set("start", name, value);
        return pool;
    }

    private async Task<JsonObject> StoredFileAsync(string name, string mime, string content) =>
        await fixture.Storage.SaveAsync(name, mime, new MemoryStream(Encoding.UTF8.GetBytes(content)), "local_file", CancellationToken.None);

    [Fact]
    public async Task Get_renders_url_params_and_headers_and_returns_outputs()
    {
        var data = Data("GET", Base + "/echo?fixed=1&q=old", new JsonObject
        {
            ["params"] = "q: {{#start.q#}}\nq: second\n\nempty:\n: ignored",
            ["headers"] = "X-Name: {{#start.name#}}\nX-Dup: a\nX-Dup: b\nX-Empty",
        });

        var result = await RunAsync(_node, data, Pool(("q", "hello world"), ("name", "Ada")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var got = fixture.Server.Last;
        Assert.Equal("GET", got.Method);
        Assert.Equal("?fixed=1&q=hello+world&q=second&empty=", got.Query);
        Assert.Equal("Ada", got.Header("X-Name"));
        Assert.Equal("b", got.Header("X-Dup"));
        Assert.Equal("", got.Header("X-Empty"));
        Assert.Equal(200, result.Outputs["status_code"]!.GetValue<int>());
        Assert.Equal("{\"ok\":true}", result.Outputs["body"]!.GetValue<string>());
        Assert.Equal("application/json", result.Outputs["headers"]!["content-type"]!.GetValue<string>());
        Assert.Empty(result.Outputs["files"]!.AsArray());
        Assert.StartsWith("GET /echo?fixed=1&q=hello+world&q=second&empty= HTTP/1.1\r\nHost: 127.0.0.1:", result.ProcessData!["request"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("post", "POST")]
    [InlineData("PUT", "PUT")]
    [InlineData("patch", "PATCH")]
    [InlineData("DELETE", "DELETE")]
    [InlineData("options", "OPTIONS")]
    public async Task Method_is_accepted_in_any_case(string method, string expected)
    {
        var result = await RunAsync(_node, Data(method, Base + "/echo"));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(expected, fixture.Server.Last.Method);
    }

    [Fact]
    public async Task Head_returns_status_and_empty_body()
    {
        var result = await RunAsync(_node, Data("head", Base + "/echo"));

        Assert.Equal(200, result.Outputs["status_code"]!.GetValue<int>());
        Assert.Equal("", result.Outputs["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_body_is_templated_repaired_and_sent_compact()
    {
        var data = Data("post", Base + "/echo", new JsonObject
        {
            ["body"] = Body("json", Text("", "{\"name\": \"{{#start.name#}}\", 'n': 1, \"ok\": True, \"list\": [1, 2,],}")),
        });

        // A raw newline and tab inside a string are accepted, as json.loads(strict=False) does.
        var result = await RunAsync(_node, data, Pool(("name", "Ada\n\tLovelace")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("application/json", fixture.Server.Last.Header("Content-Type"));
        var sent = JsonNode.Parse(fixture.Server.Last.BodyText)!;
        Assert.Equal("Ada\n\tLovelace", sent["name"]!.GetValue<string>());
        Assert.Equal(1, sent["n"]!.GetValue<int>());
        Assert.True(sent["ok"]!.GetValue<bool>());
        Assert.Equal("[1,2]", sent["list"]!.ToJsonString());
    }

    [Fact]
    public async Task Json_body_with_plain_values_is_sent_exactly()
    {
        var data = Data("post", Base + "/echo", new JsonObject { ["body"] = Body("json", Text("", "{\"a\": \"{{#start.v#}}\", \"b\": [1, 2]}")) });

        await RunAsync(_node, data, Pool(("v", "x y")));

        Assert.Equal("{\"a\":\"x y\",\"b\":[1,2]}", fixture.Server.Last.BodyText);
    }

    [Fact]
    public async Task Invalid_json_body_fails_with_the_text()
    {
        var data = Data("post", Base + "/echo", new JsonObject { ["body"] = Body("json", Text("", "{\"a\": ")) });

        var result = await RunAsync(_node, data);

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("RequestBodyError", result.ErrorType);
        Assert.Equal("Failed to parse JSON: {\"a\": ", result.Error);
    }

    [Fact]
    public async Task Raw_text_body_defaults_to_text_plain_and_respects_a_custom_content_type()
    {
        var data = Data("post", Base + "/echo", new JsonObject { ["body"] = Body("raw-text", Text("", "hello {{#start.name#}}")) });
        await RunAsync(_node, data, Pool(("name", "Ada")));
        Assert.Equal("hello Ada", fixture.Server.Last.BodyText);
        Assert.Equal("text/plain", fixture.Server.Last.Header("Content-Type"));

        data["headers"] = "Content-Type: application/xml";
        await RunAsync(_node, data, Pool(("name", "Ada")));
        Assert.Equal("application/xml", fixture.Server.Last.Header("Content-Type"));
    }

    [Fact]
    public async Task Raw_text_body_needs_exactly_one_item()
    {
        var data = Data("post", Base + "/echo", new JsonObject { ["body"] = Body("raw-text") });

        var result = await RunAsync(_node, data);

        Assert.Equal("RequestBodyError", result.ErrorType);
        Assert.Equal("raw-text body type should have exactly one item", result.Error);
    }

    [Fact]
    public async Task Old_string_body_data_becomes_one_text_item()
    {
        var data = Data("post", Base + "/echo", new JsonObject { ["body"] = new JsonObject { ["type"] = "raw-text", ["data"] = "legacy" } });

        await RunAsync(_node, data);

        Assert.Equal("legacy", fixture.Server.Last.BodyText);
    }

    [Fact]
    public async Task Urlencoded_body_uses_all_items()
    {
        var data = Data("post", Base + "/echo", new JsonObject
        {
            ["body"] = Body("x-www-form-urlencoded", Text("a", "1"), Text("b", "{{#start.v#}}"), Text("a", "2")),
        });

        await RunAsync(_node, data, Pool(("v", "x y&z")));

        Assert.Equal("a=2&b=x+y%26z", fixture.Server.Last.BodyText);
        Assert.Equal("application/x-www-form-urlencoded", fixture.Server.Last.Header("Content-Type"));
    }

    [Fact]
    public async Task Form_data_sends_text_fields_and_files_as_multipart()
    {
        var file = await StoredFileAsync("notes.txt", "text/plain", "file body");
        var data = Data("post", Base + "/form", new JsonObject
        {
            ["headers"] = "Content-Type: application/json", // dropped: the boundary must be ours
            ["body"] = Body("form-data",
                Text("title", "{{#start.name#}}"),
                new JsonObject { ["key"] = "upload", ["type"] = "file", ["file"] = new JsonArray("start", "doc") }),
        });

        var result = await RunAsync(_node, data, Pool(("name", "Ada"), ("doc", file)));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.StartsWith("multipart/form-data; boundary=", fixture.Server.Last.Header("Content-Type"));
        var echo = JsonNode.Parse(result.Outputs["body"]!.GetValue<string>())!;
        Assert.Equal("Ada", echo["fields"]!["title"]!.GetValue<string>());
        var sent = echo["files"]![0]!;
        Assert.Equal("upload", sent["name"]!.GetValue<string>());
        Assert.Equal("notes.txt", sent["filename"]!.GetValue<string>());
        Assert.Equal("text/plain", sent["type"]!.GetValue<string>());
        Assert.Equal("file body", sent["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Binary_body_sends_the_file_bytes()
    {
        var file = await StoredFileAsync("data.bin", "application/octet-stream", "\u0001raw bytes");
        var data = Data("put", Base + "/echo", new JsonObject
        {
            ["body"] = Body("binary", new JsonObject { ["key"] = "", ["type"] = "file", ["file"] = new JsonArray("start", "f") }),
        });

        var result = await RunAsync(_node, data, Pool(("f", file)));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("\u0001raw bytes", fixture.Server.Last.BodyText);
    }

    [Fact]
    public async Task Binary_body_without_a_file_fails()
    {
        var data = Data("put", Base + "/echo", new JsonObject
        {
            ["body"] = Body("binary", new JsonObject { ["type"] = "file", ["file"] = new JsonArray("start", "missing") }),
        });

        var result = await RunAsync(_node, data);

        Assert.Equal("FileFetchError", result.ErrorType);
        Assert.Equal("cannot fetch file with selector ['start', 'missing']", result.Error);
    }

    [Theory]
    [InlineData("bearer", null, "tok", "Authorization", "Bearer tok")]
    [InlineData("basic", null, "user:pass", "Authorization", "Basic dXNlcjpwYXNz")]
    [InlineData("basic", null, "dXNlcjpwYXNz", "Authorization", "Basic dXNlcjpwYXNz")]
    [InlineData("custom", "X-Api-Key", "tok", "X-Api-Key", "tok")]
    [InlineData("bearer", "X-Auth", "tok", "X-Auth", "Bearer tok")]
    public async Task Api_key_authorization_sets_the_header(string type, string? header, string key, string sentHeader, string expected)
    {
        var data = Data("get", Base + "/echo", new JsonObject
        {
            ["authorization"] = new JsonObject
            {
                ["type"] = "api-key",
                ["config"] = new JsonObject { ["type"] = type, ["api_key"] = "{{#start.key#}}", ["header"] = header },
            },
        });

        var result = await RunAsync(_node, data, Pool(("key", key)));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(expected, fixture.Server.Last.Header(sentHeader));
        // The secret never reaches process data.
        Assert.DoesNotContain(key, result.ProcessData!["request"]!.GetValue<string>());
        Assert.Contains(sentHeader + ": " + new string('*', expected.Length), result.ProcessData!["request"]!.GetValue<string>());
    }

    [Fact]
    public async Task Empty_api_key_fails()
    {
        var data = Data("get", Base + "/echo", new JsonObject
        {
            ["authorization"] = new JsonObject { ["type"] = "api-key", ["config"] = new JsonObject { ["type"] = "bearer", ["api_key"] = "{{#start.key#}}" } },
        });

        var result = await RunAsync(_node, data, Pool(("key", "  ")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("AuthorizationConfigError", result.ErrorType);
        Assert.Equal("API key is required for authorization but was empty. Please provide a valid API key.", result.Error);
    }

    [Theory]
    [InlineData("ftp://example.com/x", "url should start with http:// or https://")]
    [InlineData("{{#start.empty#}}", "url is required")]
    public async Task Url_must_be_http(string url, string message)
    {
        var result = await RunAsync(_node, Data("get", url), Pool(("empty", "")));

        Assert.Equal("InvalidURLError", result.ErrorType);
        Assert.Equal(message, result.Error);
    }

    [Fact]
    public async Task Read_timeout_fails_the_request_quickly()
    {
        var data = Data("get", Base + "/slow", new JsonObject { ["timeout"] = new JsonObject { ["connect"] = 1, ["read"] = 1, ["write"] = 1 } });
        var watch = Stopwatch.StartNew();

        var result = await RunAsync(_node, data);

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("HttpRequestNodeError", result.ErrorType);
        Assert.Contains("timed out", result.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4.5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Connection_refused_is_a_request_error()
    {
        var result = await RunAsync(_node, Data("get", "http://127.0.0.1:1/x"));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("HttpRequestNodeError", result.ErrorType);
    }

    [Fact]
    public async Task Text_response_over_the_limit_fails_while_streaming()
    {
        var result = await RunAsync(_node, Data("get", Base + "/big"));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("ResponseSizeError", result.ErrorType);
        Assert.StartsWith("Text size is too large, max size is 1.00 MB, but current size is", result.Error);
    }

    [Fact]
    public async Task Binary_response_over_the_binary_limit_fails()
    {
        using var node = new HttpRequestNode(fixture.Storage, new HttpRequestNodeOptions { MaxBinaryBytes = 1000 });

        var result = await RunAsync(node, Data("get", Base + "/image.png"));

        Assert.Equal("ResponseSizeError", result.ErrorType);
        Assert.StartsWith("File size is too large", result.Error);
    }

    [Fact]
    public async Task Non_2xx_is_success_without_error_strategy_or_retry()
    {
        var result = await RunAsync(_node, Data("get", Base + "/status/404"));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(404, result.Outputs["status_code"]!.GetValue<int>());
        Assert.Equal("nope 404", result.Outputs["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{\"error_strategy\": \"fail-branch\"}")]
    [InlineData("{\"error_strategy\": \"default-value\", \"default_value\": []}")]
    [InlineData("{\"retry_config\": {\"retry_enabled\": true, \"max_retries\": 3, \"retry_interval\": 100}}")]
    public async Task Non_2xx_fails_with_error_strategy_or_retry(string extra)
    {
        var result = await RunAsync(_node, Data("get", Base + "/status/503", Json(extra)));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("HTTPResponseCodeError", result.ErrorType);
        Assert.Equal("Request failed with status code 503", result.Error);
        Assert.Equal(503, result.Outputs["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Binary_response_is_saved_as_a_file()
    {
        var result = await RunAsync(_node, Data("get", Base + "/image.png"));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("", result.Outputs["body"]!.GetValue<string>());
        var file = Assert.Single(result.Outputs["files"]!.AsArray())!.AsObject();
        Assert.True(FileValue.IsFile(file));
        Assert.Equal("image", file["type"]!.GetValue<string>());
        Assert.Equal("tool_file", file["transfer_method"]!.GetValue<string>());
        Assert.Equal("image.png", file["filename"]!.GetValue<string>());
        Assert.Equal(".png", file["extension"]!.GetValue<string>());
        Assert.Equal("image/png", file["mime_type"]!.GetValue<string>());
        Assert.Equal(HttpServerFixture.Png.Length, file["size"]!.GetValue<long>());
        await using var stored = await fixture.Storage.OpenReadAsync(file, CancellationToken.None);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        Assert.Equal(HttpServerFixture.Png, copy.ToArray());
    }

    [Fact]
    public async Task Attachment_disposition_makes_a_file_even_for_text()
    {
        var result = await RunAsync(_node, Data("get", Base + "/attachment"));

        var file = Assert.Single(result.Outputs["files"]!.AsArray())!;
        Assert.Equal("report.csv", file["filename"]!.GetValue<string>());
        Assert.Equal("text/csv", file["mime_type"]!.GetValue<string>());
        Assert.Equal("document", file["type"]!.GetValue<string>());
        Assert.Equal("", result.Outputs["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Response_headers_are_lower_case_and_joined()
    {
        var result = await RunAsync(_node, Data("get", Base + "/headers"));

        var headers = result.Outputs["headers"]!.AsObject();
        Assert.Equal("one, two", headers["x-multi"]!.GetValue<string>());
        Assert.Equal("Value", headers["x-custom"]!.GetValue<string>());
        Assert.Equal("text/plain; charset=utf-8", headers["content-type"]!.GetValue<string>());
        Assert.All(headers, h => Assert.Equal(h.Key.ToLowerInvariant(), h.Key));
    }

    [Fact]
    public async Task Redirects_are_followed()
    {
        var result = await RunAsync(_node, Data("get", Base + "/redirect"));

        Assert.Equal(200, result.Outputs["status_code"]!.GetValue<int>());
        Assert.Equal("{\"ok\":true}", result.Outputs["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ssl_verify_false_accepts_a_self_signed_certificate_only_for_that_node()
    {
        await using var https = await TestHttpServer.StartAsync(app => Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/", () => "secure"), https: true);
        Assert.StartsWith("https://", https.BaseUrl);

        var verified = await RunAsync(_node, Data("get", https.BaseUrl + "/"));
        var unverified = await RunAsync(_node, Data("get", https.BaseUrl + "/", new JsonObject { ["ssl_verify"] = false }));
        var verifiedAgain = await RunAsync(_node, Data("get", https.BaseUrl + "/", new JsonObject { ["ssl_verify"] = true }));

        Assert.Equal(NodeRunStatus.Failed, verified.Status);
        Assert.Equal("HttpRequestNodeError", verified.ErrorType);
        Assert.Equal(NodeRunStatus.Succeeded, unverified.Status);
        Assert.Equal("secure", unverified.Outputs["body"]!.GetValue<string>());
        Assert.Equal(NodeRunStatus.Failed, verifiedAgain.Status);
    }

    [Fact]
    public async Task A_host_supplied_client_is_used_for_verified_requests()
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("X-From-Host", "yes");
        using var node = new HttpRequestNode(client, fixture.Storage);

        await RunAsync(node, Data("get", Base + "/echo"));

        Assert.Equal("yes", fixture.Server.Last.Header("X-From-Host"));
    }

    [Fact]
    public void Parse_reports_bad_fields_by_path()
    {
        var data = new JsonObject
        {
            ["method"] = "fetch",
            ["authorization"] = new JsonObject { ["type"] = "api-key" },
            ["body"] = new JsonObject
            {
                ["type"] = "binary",
                ["data"] = new JsonArray(new JsonObject { ["type"] = "file" }),
            },
            ["timeout"] = new JsonObject { ["read"] = "soon" },
        };

        var fields = Problems(_node, data).Select(p => p.Field).ToList();

        Assert.Contains("method", fields);
        Assert.Contains("url", fields);
        Assert.Contains("authorization.config", fields);
        Assert.Contains("body.data[0].file", fields);
        Assert.Contains("timeout.read", fields);
        Assert.Contains("body.type", Problems(_node, new JsonObject { ["method"] = "get", ["url"] = "http://x", ["body"] = new JsonObject { ["type"] = "xml" } }).Select(p => p.Field));
    }

    [Fact]
    public void Node_declares_retry_support_and_activity_kind()
    {
        Assert.True(_node.SupportsRetry);
        Assert.Equal(NodeExecutionKind.Activity, ((INodeExecutor)_node).Kind);
        Assert.Equal("http-request", _node.NodeType);
    }
}
