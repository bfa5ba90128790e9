using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.AzureSearch.Tests.Server;

/// <summary>A request as the server received it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, JsonNode? Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real Kestrel server on 127.0.0.1 answering the Azure AI Search REST calls Azure.Search.Documents makes:
/// <c>PUT/GET/DELETE /indexes('name')</c>, <c>POST /indexes('name')/docs/search.index</c> (upload, merge,
/// mergeOrUpload, delete; at most 1000 actions; 207 on partial failure) and <c>POST …/docs/search.post.search</c>
/// (executed by <see cref="SearchExecutor"/>). Auth: the <c>api-key</c> header or <c>Authorization: Bearer</c>
/// (else 403). Faults can be injected; every request is recorded. https with a self-signed certificate (the SDK
/// refuses http endpoints), trusted through <see cref="Transport"/>.
/// </summary>
internal sealed partial class SearchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SearchIndexState> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<int> _faults = new();

    private SearchServer(WebApplication app, X509Certificate2? certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>An SDK transport that trusts this server's certificate only.</summary>
    public Azure.Core.Pipeline.HttpClientTransport Transport()
    {
        var thumbprint = Certificate?.Thumbprint;
        return new Azure.Core.Pipeline.HttpClientTransport(new System.Net.Http.HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || cert?.Thumbprint == thumbprint,
        });
    }
    public X509Certificate2? Certificate { get; }
    public string ApiKey { get; set; } = "test-admin-key";
    public string? BearerToken { get; set; }
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Document keys answered with this per-item status (in a 207) on their next index action.</summary>
    public ConcurrentDictionary<string, int> ItemFaults { get; } = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="times"/> requests are answered with <paramref name="status"/> and an error body.</summary>
    public void FailNext(int status, int times = 1)
    {
        for (var i = 0; i < times; i++) _faults.Enqueue(status);
    }

    public SearchIndexState? Index(string name) => _indexes.GetValueOrDefault(name);

    public IEnumerable<RecordedRequest> RequestsTo(string suffix) => Requests.Where(r => r.Path.EndsWith(suffix, StringComparison.Ordinal));

    public static async Task<SearchServer> StartAsync(bool https = true)
    {
        var certificate = https ? SelfSigned() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            if (certificate is not null) o.UseHttps(certificate);
        }));
        var app = builder.Build();
        var server = new SearchServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        JsonNode? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonNode.ParseAsync(request.Body);
            }
            catch (JsonException)
            {
                await ErrorAsync(context, 400, "The request body is not valid JSON.");
                return;
            }
        }
        var path = request.Path.Value ?? "";
        _requests.Enqueue(new RecordedRequest(request.Method, path, request.QueryString.Value ?? "", body,
            request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));

        if (_faults.TryDequeue(out var fault))
        {
            await ErrorAsync(context, fault, $"Injected failure {fault}.");
            return;
        }
        var key = request.Headers["api-key"].ToString();
        var bearer = request.Headers.Authorization.ToString();
        if (key != ApiKey && !(BearerToken is not null && bearer == "Bearer " + BearerToken))
        {
            await ErrorAsync(context, 403, "Access denied.");
            return;
        }
        if (request.Query["api-version"].ToString() is not { Length: > 0 })
        {
            await ErrorAsync(context, 400, "api-version is required.");
            return;
        }

        var match = Route().Match(path);
        if (!match.Success)
        {
            await ErrorAsync(context, 404, $"No route for {path}.");
            return;
        }
        var name = Uri.UnescapeDataString(match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["plain"].Value);
        var operation = match.Groups["op"].Value;
        try
        {
            switch (request.Method, operation)
            {
                case ("PUT", ""):
                    await PutIndexAsync(context, name, body as JsonObject);
                    return;
                case ("GET", ""):
                    if (_indexes.TryGetValue(name, out var existing)) await JsonAsync(context, 200, existing.Definition);
                    else await NotFoundAsync(context, name);
                    return;
                case ("DELETE", ""):
                    context.Response.StatusCode = _indexes.TryRemove(name, out _) ? 204 : 404;
                    return;
            }
            if (!_indexes.TryGetValue(name, out var index))
            {
                await NotFoundAsync(context, name);
                return;
            }
            switch (request.Method, operation)
            {
                case ("POST", "/docs/search.index"):
                    await IndexDocumentsAsync(context, index, body as JsonObject);
                    return;
                case ("POST", "/docs/search.post.search"):
                    JsonObject result;
                    lock (index.Gate) result = SearchExecutor.Execute(index, body as JsonObject ?? []);
                    await JsonAsync(context, 200, result);
                    return;
                case ("GET", "/docs/$count"):
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync(index.Documents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return;
                default:
                    await ErrorAsync(context, 404, $"No route for {request.Method} {path}.");
                    return;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            await ErrorAsync(context, 400, e.Message);
        }
    }

    private async Task PutIndexAsync(HttpContext context, string name, JsonObject? definition)
    {
        if (definition is null || definition["name"]?.GetValue<string>() != name)
        {
            await ErrorAsync(context, 400, "The index name in the body must match the URL.");
            return;
        }
        if (SearchIndexState.Validate(definition) is { } invalid)
        {
            await ErrorAsync(context, 400, invalid);
            return;
        }
        var created = false;
        var state = _indexes.GetOrAdd(name, _ =>
        {
            created = true;
            return new SearchIndexState(definition);
        });
        if (!created && state.Update(definition) is { } refused)
        {
            await ErrorAsync(context, 400, refused);
            return;
        }
        var answer = (JsonObject)definition.DeepClone();
        answer["@odata.etag"] = "\"0x" + Guid.NewGuid().ToString("N")[..12] + "\"";
        await JsonAsync(context, created ? 201 : 200, answer);
    }

    private async Task IndexDocumentsAsync(HttpContext context, SearchIndexState index, JsonObject? body)
    {
        var actions = (body?["value"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (actions.Count == 0 || actions.Count > 1000)
        {
            await ErrorAsync(context, 400, $"A batch must hold 1 to 1000 actions; this one has {actions.Count}.");
            return;
        }
        var results = new JsonArray();
        var allOk = true;
        lock (index.Gate)
        {
            foreach (var a in actions) ValidateFields(index, a);
            foreach (var a in actions)
            {
                var (key, status, error) = Apply(index, a);
                allOk &= status is 200 or 201;
                results.Add(new JsonObject { ["key"] = key, ["status"] = status is 200 or 201, ["errorMessage"] = error, ["statusCode"] = status });
            }
        }
        await JsonAsync(context, allOk ? 200 : 207, new JsonObject { ["value"] = results });
    }

    private static void ValidateFields(SearchIndexState index, JsonObject action)
    {
        foreach (var (name, value) in action)
        {
            if (name.StartsWith('@')) continue;
            var field = index.Field(name) ?? throw new ArgumentException($"The property '{name}' does not exist on type 'search.documentFields'.");
            if (field["dimensions"]?.GetValue<int>() is { } dims && value is JsonArray v && v.Count != dims)
                throw new ArgumentException($"The vector field '{name}' expects {dims} dimensions; a document has {v.Count}.");
        }
    }

    private (string Key, int Status, string? Error) Apply(SearchIndexState index, JsonObject action)
    {
        var keyField = index.KeyField;
        var key = action[keyField]?.GetValue<string>() ?? "";
        if (!SearchIndexState.ValidKey().IsMatch(key)) return (key, 400, $"Invalid document key: '{key}'.");
        if (ItemFaults.TryRemove(key, out var fault)) return (key, fault, $"Injected item failure {fault}.");
        var kind = action["@search.action"]?.GetValue<string>() ?? "upload";
        var doc = new JsonObject();
        foreach (var (name, value) in action)
            if (!name.StartsWith('@')) doc[name] = value?.DeepClone();
        var exists = index.Documents.TryGetValue(key, out var old);
        switch (kind)
        {
            case "upload":
                index.Documents[key] = doc;
                return (key, exists ? 200 : 201, null);
            case "merge" when !exists:
                return (key, 404, "Document not found.");
            case "merge" or "mergeOrUpload" when exists:
                foreach (var (name, value) in doc) old![name] = value?.DeepClone();
                return (key, 200, null);
            case "mergeOrUpload":
                index.Documents[key] = doc;
                return (key, 201, null);
            case "delete":
                index.Documents.Remove(key);
                return (key, 200, null);
            default:
                return (key, 400, $"Unknown action '{kind}'.");
        }
    }

    private static Task NotFoundAsync(HttpContext context, string name) =>
        ErrorAsync(context, 404, $"The index '{name}' for service 'local' was not found.");

    private static Task ErrorAsync(HttpContext context, int status, string message) =>
        JsonAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = "", ["message"] = message } });

    private static async Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; odata.metadata=minimal";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    [GeneratedRegex(@"^/indexes(?:\('(?<quoted>[^']+)'\)|/(?<plain>[^/]+))(?<op>/docs/(?:search\.index|search\.post\.search|\$count))?$")]
    private static partial Regex Route();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate?.Dispose();
    }
}
