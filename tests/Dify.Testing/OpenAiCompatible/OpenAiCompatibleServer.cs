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

namespace Dify.Testing.OpenAiCompatible;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) speaking the OpenAI wire protocol:
/// <c>POST /v1/chat/completions</c> (JSON or SSE streaming, tool calls, reasoning_content, usage),
/// <c>POST /v1/embeddings</c> (deterministic hashed bag-of-words vectors), <c>GET /v1/models</c>.
/// Scriptable through <see cref="Responder"/>; records every request. Point clients at <see cref="Endpoint"/>.
/// </summary>
public sealed class OpenAiCompatibleServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedChatRequest> _chatRequests = new();
    private readonly ConcurrentQueue<RecordedEmbeddingRequest> _embeddingRequests = new();
    private int _chatCount;
    private int _embeddingCount;

    private OpenAiCompatibleServer(WebApplication app, string baseAddress)
    {
        _app = app;
        BaseAddress = new Uri(baseAddress.TrimEnd('/') + "/");
        Endpoint = BaseAddress + "v1";
    }

    /// <summary>The OpenAI base URL, e.g. <c>http://127.0.0.1:PORT/v1</c> (use as Models:Default:Endpoint).</summary>
    public string Endpoint { get; }

    /// <summary>Root of the server, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>When set, requests must carry <c>Authorization: Bearer {ExpectedApiKey}</c> (otherwise 401).</summary>
    public string? ExpectedApiKey { get; set; }

    /// <summary>Decides each chat answer; default <see cref="Echo"/>. Exceptions become a 500 error envelope.</summary>
    public Func<RecordedChatRequest, ChatReply> Responder { get; set; } = Echo;

    /// <summary>Decides each embeddings answer; null (default) = deterministic vectors for every input.</summary>
    public Func<RecordedEmbeddingRequest, EmbeddingReply>? EmbeddingResponder { get; set; }

    /// <summary>Vector size when the request has no <c>dimensions</c>.</summary>
    public int EmbeddingDimensions { get; set; } = DeterministicEmbedder.DefaultDimensions;

    /// <summary>Keep parsed requests in <see cref="Requests"/>/<see cref="EmbeddingRequests"/> (turn off for long benchmarks).</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Chat requests in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedChatRequest> Requests => _chatRequests.ToArray();

    /// <summary>Embedding requests in arrival order (a snapshot).</summary>
    public IReadOnlyList<RecordedEmbeddingRequest> EmbeddingRequests => _embeddingRequests.ToArray();

    /// <summary>Chat requests received, counted even when not recording (rejected ones included).</summary>
    public int ChatRequestCount => Volatile.Read(ref _chatCount);

    public int EmbeddingRequestCount => Volatile.Read(ref _embeddingCount);

    /// <summary>The default responder: answers the last user message's text.</summary>
    public static ChatReply Echo(RecordedChatRequest request) => ChatReply.FromText(request.LastUserText);

    /// <summary>
    /// Configuration keys pointing Models:Default at this server (for AddInMemoryCollection), with
    /// <see cref="ExpectedApiKey"/> as key unless one is given, fast retries, and optionally a forced model.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ModelsConfiguration(string? apiKey = null, string? model = null) =>
        new Dictionary<string, string?>
        {
            ["Models:Default:Endpoint"] = Endpoint,
            ["Models:Default:ApiKey"] = apiKey ?? ExpectedApiKey,
            ["Models:Default:Model"] = model,
            ["Models:MaxRetries"] = "0",
        };

    public void ClearRequests()
    {
        _chatRequests.Clear();
        _embeddingRequests.Clear();
    }

    public static async Task<OpenAiCompatibleServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        OpenAiCompatibleServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new OpenAiCompatibleServer(app, address);
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
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        try
        {
            if (HttpMethods.IsPost(method) && path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _chatCount);
                if (await AuthorizedAsync(context))
                {
                    await HandleChatAsync(context, ct);
                }
            }
            else if (HttpMethods.IsPost(method) && path.Equals("/v1/embeddings", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _embeddingCount);
                if (await AuthorizedAsync(context))
                {
                    await HandleEmbeddingsAsync(context, ct);
                }
            }
            else if (HttpMethods.IsGet(method) && path.Equals("/v1/models", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"object":"list","data":[{"id":"fake-model","object":"model","created":0,"owned_by":"dify-testing"}]}""", ct);
            }
            else
            {
                await OpenAiErrorWriter.WriteAsync(context.Response, 404, $"Unknown route {method} {path}", null, "unknown_url", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (JsonException ex) when (!context.Response.HasStarted)
        {
            await OpenAiErrorWriter.WriteAsync(context.Response, 400, "Invalid JSON body: " + ex.Message, null, null, ct);
        }
    }

    private async Task<bool> AuthorizedAsync(HttpContext context)
    {
        var expected = ExpectedApiKey;
        if (expected is null || context.Request.Headers.Authorization.ToString() == "Bearer " + expected)
        {
            return true;
        }

        await OpenAiErrorWriter.WriteAsync(
            context.Response, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key", context.RequestAborted);
        return false;
    }

    private async Task HandleChatAsync(HttpContext context, CancellationToken ct)
    {
        var body = await ReadBodyAsync(context, ct);
        var request = RecordedChatRequest.Parse(body, Headers(context));
        if (RecordRequests)
        {
            _chatRequests.Enqueue(request);
        }

        ChatReply reply;
        try
        {
            reply = Responder(request);
        }
        catch (Exception ex)
        {
            await OpenAiErrorWriter.WriteAsync(context.Response, 500, "Responder failed: " + ex.Message, "server_error", null, ct);
            return;
        }

        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, ct);
        }

        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (reply.StatusCode is { } status && status >= 300)
        {
            if (reply.RetryAfter is { } retryAfter)
            {
                context.Response.Headers["retry-after-ms"] = ((long)retryAfter.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await OpenAiErrorWriter.WriteAsync(context.Response, status, reply.ErrorMessage ?? $"Scripted error {status}", reply.ErrorType, reply.ErrorCode, ct);
            return;
        }

        if (request.Stream)
        {
            await ChatCompletionWriter.WriteStreamAsync(context.Response, request, reply, ct);
        }
        else
        {
            await ChatCompletionWriter.WriteCompletionAsync(context.Response, request, reply, ct);
        }
    }

    private async Task HandleEmbeddingsAsync(HttpContext context, CancellationToken ct)
    {
        var body = await ReadBodyAsync(context, ct);
        var request = RecordedEmbeddingRequest.Parse(body, Headers(context));
        if (RecordRequests)
        {
            _embeddingRequests.Enqueue(request);
        }

        EmbeddingReply? reply;
        try
        {
            reply = EmbeddingResponder?.Invoke(request);
        }
        catch (Exception ex)
        {
            await OpenAiErrorWriter.WriteAsync(context.Response, 500, "Embedding responder failed: " + ex.Message, "server_error", null, ct);
            return;
        }

        if (reply?.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, ct);
        }

        if (reply?.StatusCode is { } status && status >= 300)
        {
            await OpenAiErrorWriter.WriteAsync(context.Response, status, reply.ErrorMessage ?? $"Scripted error {status}", null, null, ct);
            return;
        }

        var dimensions = request.Dimensions ?? EmbeddingDimensions;
        var vectors = reply?.Vectors ?? request.Inputs.Select(text => DeterministicEmbedder.Embed(text, dimensions)).ToList();
        await EmbeddingWriter.WriteAsync(context.Response, request, vectors, ct);
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context, CancellationToken ct) =>
        await JsonNode.ParseAsync(context.Request.Body, cancellationToken: ct) as JsonObject
        ?? throw new JsonException("The request body must be a JSON object.");

    private static Dictionary<string, string> Headers(HttpContext context)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in context.Request.Headers)
        {
            headers[name] = value.ToString();
        }

        return headers;
    }
}
