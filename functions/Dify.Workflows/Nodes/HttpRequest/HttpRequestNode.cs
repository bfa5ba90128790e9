using System.Text.Json.Nodes;
using Dify.Workflows.Files;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>
/// http-request (DIFY-SPEC §2.9): renders the request, sends it with per-node timeouts and
/// ssl_verify, reads the response within Dify's size limits, stores binary responses as files.
/// A non-2xx status succeeds unless the node has an error strategy or retry (then it fails with
/// HTTPResponseCodeError and still carries the outputs).
/// </summary>
public sealed class HttpRequestNode : NodeExecutor<HttpRequestNodeData>, IDisposable
{
    private readonly HttpTransport _transport;
    private readonly IFileStorage _files;
    private readonly HttpRequestNodeOptions _options;
    private readonly HttpRequestBuilder _builder;

    /// <summary>The node owns its HTTP handlers (connect timeouts per request, no shared cookies).</summary>
    public HttpRequestNode(IFileStorage files, HttpRequestNodeOptions? options = null)
        : this(HttpTransport.Owned(), files, options) { }

    /// <summary>Verified requests go through <paramref name="client"/> (e.g. an SSRF proxy); its Timeout also applies.</summary>
    public HttpRequestNode(HttpClient client, IFileStorage files, HttpRequestNodeOptions? options = null)
        : this(HttpTransport.FromClient(client), files, options) { }

    /// <summary>Verified requests use <c>factory.CreateClient(options.HttpClientName)</c>.</summary>
    public HttpRequestNode(IHttpClientFactory factory, IFileStorage files, HttpRequestNodeOptions? options = null)
        : this(HttpTransport.FromFactory(factory, (options ?? new()).HttpClientName), files, options) { }

    private HttpRequestNode(HttpTransport transport, IFileStorage files, HttpRequestNodeOptions? options)
    {
        _transport = transport;
        _files = files;
        _options = options ?? new HttpRequestNodeOptions();
        _builder = new HttpRequestBuilder(files, _options);
    }

    public override string NodeType => "http-request";
    public override bool SupportsRetry => true;

    protected override HttpRequestNodeData Parse(NodeDataReader reader) => HttpRequestNodeDataParser.Parse(reader);

    protected override async ValueTask<NodeRunResult> RunAsync(NodeRunContext context, HttpRequestNodeData data, CancellationToken cancellationToken)
    {
        PreparedHttpRequest prepared;
        try
        {
            prepared = await _builder.BuildAsync(data, context.Pool, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeExecutionException e)
        {
            return NodeRunResult.Failure(e.Message, e.ErrorType);
        }
        var processData = new JsonObject { ["request"] = prepared.ToLog() };

        HttpResponseData response;
        try
        {
            response = await SendAsync(prepared, data, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeExecutionException e)
        {
            return NodeRunResult.Failure(e.Message, e.ErrorType) with { ProcessData = processData };
        }

        JsonArray files = [];
        if (response.IsFile)
        {
            try
            {
                files.Add(await SaveFileAsync(prepared.Url, response, cancellationToken).ConfigureAwait(false));
            }
            catch (FileStorageException e)
            {
                return NodeRunResult.Failure(e.Message, "HttpRequestNodeError") with { ProcessData = processData };
            }
        }
        var outputs = new JsonObject
        {
            ["status_code"] = response.StatusCode,
            ["body"] = response.IsFile ? "" : response.Text(),
            ["headers"] = response.Headers,
            ["files"] = files,
        };
        var success = response.StatusCode is >= 200 and < 300;
        if (!success && data.FailOnErrorStatus)
            return new NodeRunResult
            {
                Status = NodeRunStatus.Failed,
                Outputs = outputs,
                ProcessData = processData,
                Error = $"Request failed with status code {response.StatusCode}",
                ErrorType = "HTTPResponseCodeError",
            };
        return new NodeRunResult { Outputs = outputs, ProcessData = processData };
    }

    private async Task<HttpResponseData> SendAsync(PreparedHttpRequest prepared, HttpRequestNodeData data, CancellationToken cancellationToken)
    {
        var connect = TimeSpan.FromSeconds(data.Timeout.Connect ?? _options.DefaultConnectTimeoutSeconds);
        var read = TimeSpan.FromSeconds(data.Timeout.Read ?? _options.DefaultReadTimeoutSeconds);
        var write = TimeSpan.FromSeconds(data.Timeout.Write ?? _options.DefaultWriteTimeoutSeconds);
        var client = _transport.For(data.SslVerify ?? _options.DefaultSslVerify);

        using var message = prepared.ToMessage();
        message.Options.Set(HttpTransport.ConnectTimeoutKey, connect);
        // One timer, re-armed per phase: connect + send + wait for headers, then each body read.
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(connect + write + read);
        var phase = "waiting for the response";
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timer.Token).ConfigureAwait(false);
            phase = "reading the response";
            return await HttpResponseReader.ReadAsync(response, _options, read, timer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            var seconds = phase == "reading the response" ? read : read + write;
            throw HttpErrors.Request($"Request timed out {phase} (timeout {seconds.TotalSeconds:0.###} s).", e);
        }
        catch (HttpRequestException e)
        {
            throw HttpErrors.Request(Describe(e), e);
        }
    }

    /// <summary>HttpRequestException messages are generic; the innermost cause says what happened (refused, timed out, TLS).</summary>
    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return ReferenceEquals(inner, e) ? e.Message : $"{e.Message} {inner.Message}";
    }

    private async Task<JsonObject> SaveFileAsync(Uri url, HttpResponseData response, CancellationToken cancellationToken)
    {
        var bareType = response.ContentType.Length > 0 ? FileKinds.BareMime(response.ContentType) : null;
        // Dify: the disposition filename's guessed type first, then Content-Type, then the URL's extension.
        var mime = FileKinds.GuessMimeType(response.DispositionFilename) ?? bareType
            ?? FileKinds.GuessMimeType(url.AbsolutePath) ?? "application/octet-stream";
        var name = response.DispositionFilename;
        if (string.IsNullOrWhiteSpace(name)) name = Uri.UnescapeDataString(url.AbsolutePath.Split('/')[^1]);
        if (string.IsNullOrWhiteSpace(name)) name = "file";
        if (FileKinds.ExtensionOf(name).Length == 0) name += FileKinds.GuessExtension(mime) ?? "";
        using var content = new MemoryStream(response.Content, writable: false);
        return await _files.SaveAsync(name, mime, content, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _transport.Dispose();
}
