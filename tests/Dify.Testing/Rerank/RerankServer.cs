using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Testing.Rerank;

/// <summary>A request the rerank server received.</summary>
public sealed record RecordedRerankRequest(string Model, string Query, IReadOnlyList<string> Documents, int? TopN, string? Authorization);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) speaking the common rerank API of Jina, Cohere v1, Xinference and
/// vLLM: <c>POST /v1/rerank</c> {model, query, documents, top_n, return_documents} → {id, model, results: [{index,
/// relevance_score, document?}], usage}, sorted best first and cut to top_n. The default scorer is the share of the
/// query's words a document contains (a crude cross-encoder: order depends on the query, not on retrieval scores);
/// <see cref="Scorer"/> replaces it. <see cref="FailWith"/> answers the next requests with an error status.
/// </summary>
public sealed class RerankServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRerankRequest> _requests = new();

    private RerankServer(WebApplication app, string address)
    {
        _app = app;
        Endpoint = address.TrimEnd('/') + "/v1";
    }

    /// <summary>The base URL <c>/rerank</c> is appended to (use as Models:Providers:&lt;p&gt;:Endpoint).</summary>
    public string Endpoint { get; }

    /// <summary>When set, requests must carry <c>Authorization: Bearer {ExpectedApiKey}</c> (otherwise 401).</summary>
    public string? ExpectedApiKey { get; set; }

    /// <summary>Scores one document for a query; default <see cref="WordOverlap"/>.</summary>
    public Func<string, string, double> Scorer { get; set; } = WordOverlap;

    /// <summary>When set, requests are answered with this status and Cohere's error body ({"message"}).</summary>
    public int? FailWith { get; set; }

    /// <summary>How many requests <see cref="FailWith"/> answers (null: all of them).</summary>
    public int? FailCount { get; set; }

    private int _failed;

    public IReadOnlyList<RecordedRerankRequest> Requests => _requests.ToArray();

    /// <summary>Share of the query's distinct lower-case words found in the document, 0..1.</summary>
    public static double WordOverlap(string query, string document)
    {
        var words = Words(query).ToHashSet();
        if (words.Count == 0) return 0;
        var inDocument = Words(document).ToHashSet();
        return Math.Round(words.Count(inDocument.Contains) / (double)words.Count, 6);
    }

    public static async Task<RerankServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        RerankServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        server = new RerankServer(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path.Value is not "/v1/rerank")
        {
            await ErrorAsync(context, 404, "Not found.");
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        if (ExpectedApiKey is { } key && authorization != "Bearer " + key)
        {
            await ErrorAsync(context, 401, "invalid api token");
            return;
        }
        if (FailWith is { } status && (FailCount is not { } limit || Interlocked.Increment(ref _failed) <= limit))
        {
            await ErrorAsync(context, status, "rerank failed on purpose");
            return;
        }
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: ct) as JsonObject;
        var model = body?["model"]?.GetValue<string>();
        var query = body?["query"]?.GetValue<string>();
        var documents = body?["documents"] as JsonArray;
        if (model is null || query is null || documents is null)
        {
            await ErrorAsync(context, 400, "model, query and documents are required");
            return;
        }
        var texts = documents.Select(d => d is JsonObject o ? o["text"]?.GetValue<string>() ?? "" : d?.GetValue<string>() ?? "").ToList();
        int? topN = body!["top_n"] is JsonValue n ? n.GetValue<int>() : null;
        var returnDocuments = body["return_documents"] is JsonValue r && r.GetValue<bool>();
        _requests.Enqueue(new RecordedRerankRequest(model, query, texts, topN, authorization.Length == 0 ? null : authorization));

        var results = new JsonArray();
        foreach (var (text, index) in texts.Select((t, i) => (t, i)).OrderByDescending(x => Scorer(query, x.t)).ThenBy(x => x.i).Take(topN ?? texts.Count))
        {
            var item = new JsonObject { ["index"] = index, ["relevance_score"] = Scorer(query, text) };
            if (returnDocuments) item["document"] = new JsonObject { ["text"] = text };
            results.Add(item);
        }
        var answer = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["model"] = model,
            ["results"] = results,
            ["usage"] = new JsonObject { ["total_tokens"] = texts.Sum(t => t.Length / 4 + 1) },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), ct);
    }

    private static Task ErrorAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }), context.RequestAborted);
    }

    private static IEnumerable<string> Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant()).Where(w => w.Length > 0);
}
