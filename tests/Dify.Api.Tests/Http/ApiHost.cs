using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Host.Web;
using Dify.Testing;
using Microsoft.Extensions.Configuration;

namespace Dify.Api.Tests.Http;

/// <summary>The real local host (Kestrel on 127.0.0.1, random port) over a temp data folder, with HTTP helpers.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string AdminKey = "admin-test-key";

    private readonly TempDirectory? _ownedData;

    private ApiHost(DifyWebHost host, TempDirectory? ownedData)
    {
        Host = host;
        _ownedData = ownedData;
        Http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public DifyWebHost Host { get; }
    public HttpClient Http { get; }
    public string DataDirectory => Host.DataDirectory;

    /// <summary>Starts a host; <paramref name="dataDirectory"/> null = a fresh temp folder owned (and deleted) by this host.</summary>
    public static async Task<ApiHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var owned = dataDirectory is null ? new TempDirectory("dify-api") : null;
        var values = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Admin:ApiKey"] = AdminKey,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var host = await DifyWebHost.StartAsync(dataDirectory ?? owned!.Path, configuration, "http://127.0.0.1:0");
        return new ApiHost(host, owned);
    }

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    /// <summary>Imports an app through the console API and creates a key for it.</summary>
    public async Task<(string AppId, string Key)> ImportAsync(string fixture)
    {
        using var import = await Admin(HttpMethod.Post, "console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = Fixture(fixture) });
        var result = await JsonAsync(import);
        Assert.True(import.IsSuccessStatusCode, result.ToJsonString());
        var appId = result["app_id"]!.GetValue<string>();
        using var key = await Admin(HttpMethod.Post, $"console/api/apps/{appId}/api-keys");
        return (appId, (await JsonAsync(key))["token"]!.GetValue<string>());
    }

    public Task<HttpResponseMessage> Admin(HttpMethod method, string path, JsonNode? body = null, string key = AdminKey) =>
        SendAsync(method, path, key, body);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, JsonNode? body = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return Http.SendAsync(request, completion);
    }

    public Task<HttpResponseMessage> PostRawAsync(string path, string? key, string rawBody)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(rawBody, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Http.SendAsync(request);
    }

    /// <summary>Sends and parses a JSON answer, asserting the status.</summary>
    public async Task<JsonObject> JsonAsync(HttpMethod method, string path, string? key, JsonNode? body = null, int status = 200)
    {
        using var response = await SendAsync(method, path, key, body);
        var json = await JsonAsync(response);
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {json.ToJsonString()}");
        return json;
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? throw new InvalidOperationException("not a JSON object");

    /// <summary>Posts and reads the SSE stream to its end.</summary>
    public async Task<SseStream> StreamAsync(string path, string key, JsonNode body, Func<JsonObject, Task>? onEvent = null)
    {
        using var response = await SendAsync(HttpMethod.Post, path, key, body, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await SseStream.ReadAsync(response, onEvent);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _ownedData?.Dispose();
    }
}
