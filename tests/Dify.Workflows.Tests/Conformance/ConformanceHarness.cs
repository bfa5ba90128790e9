using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Models;
using Dify.Models.Configuration;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Files;
using Dify.Workflows.Hosting;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Code;
using Dify.Workflows.Nodes.DocumentExtractor;
using Dify.Workflows.Nodes.HttpRequest;
using Dify.Workflows.Nodes.KnowledgeRetrieval;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Nodes.ParameterExtractor;
using Dify.Workflows.Nodes.QuestionClassifier;
using Dify.Workflows.Nodes.TemplateTransform;
using Dify.Workflows.Sandbox.Local;
using Dify.Workflows.Tests.Nodes.HttpRequest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dify.Workflows.Tests.Conformance;

/// <summary>
/// The real engine (embedded durable runtime on a temp SQLite file) with every I/O executor wired to real
/// local adapters: the OpenAI-compatible test server for models and embeddings, the local code sandbox
/// (python3, javascript, jinja2), http-request against a Kestrel server on 127.0.0.1 (other hosts are refused,
/// standing in for an SSRF proxy without internet), a temp-folder file storage and the in-memory knowledge index.
/// Built like EngineHarness, but the event log is readable while a run is in flight (stop and parallelism tests).
/// </summary>
public sealed class ConformanceHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingSink _events = new();
    private readonly HttpClient _http;

    private ConformanceHarness(OpenAiCompatibleServer models, TestHttpServer web, WebRoutes routes)
    {
        Models = models;
        Web = web;
        Routes = routes;
        ModelProviders = new ModelProviders(Options.Create(new ModelsOptions
        {
            Default = new ModelEndpointOptions { Endpoint = models.Endpoint, ApiKey = "sk-conformance" },
            MaxRetries = 0,
            TimeoutSeconds = 30,
        }));
        Sandbox = new LocalCodeSandbox(new LocalSandboxOptions { WorkRoot = Path.Combine(_dir.Path, "sandbox"), WorkersPerLanguage = 1 });
        Files = new LocalFolderFileStorage(Path.Combine(_dir.Path, "files"));
        Knowledge = new InMemoryKnowledgeIndex(ModelProviders.Embeddings);
        _http = new HttpClient(new LoopbackOnlyHandler(new SocketsHttpHandler()));

        var executors = new INodeExecutor[]
        {
            new LlmNode(ModelProviders, Sandbox),
            new QuestionClassifierNode(ModelProviders),
            new ParameterExtractorNode(ModelProviders),
            new CodeNode(Sandbox),
            new TemplateTransformNode(Sandbox),
            new HttpRequestNode(_http, Files),
            new DocumentExtractorNode(Files),
            new KnowledgeRetrievalNode(Knowledge, ModelProviders),
        };
        var registry = new NodeExecutorRegistry(executors);
        Catalog = new WorkflowCatalog();
        Loader = new WorkflowAppLoader(new DslImporter(), new WorkflowCompiler(registry));
        var orchestrator = new WorkflowOrchestrator(Catalog, _events);
        var activity = new NodeActivity(Catalog, _events, NullLogger<NodeActivity>.Instance);
        Runtime = new EmbeddedDurableRuntime(
            new EmbeddedRuntimeOptions { DatabasePath = Path.Combine(_dir.Path, "durable.db"), SerializerOptions = WorkflowOrchestrator.SerializerOptions },
            NullLogger<EmbeddedDurableRuntime>.Instance);
        Runtime.RegisterOrchestrator(WorkflowOrchestrator.Name, orchestrator.RunJsonAsync);
        Runtime.RegisterActivity(NodeActivity.Name, async (_, input, ct) => await activity.ExecuteAsync((NodeActivityInput)input!, ct));
        Runs = new WorkflowRunService(Runtime, Catalog, TimeProvider.System);
    }

    public OpenAiCompatibleServer Models { get; }
    internal TestHttpServer Web { get; }
    public WebRoutes Routes { get; }
    public ModelProviders ModelProviders { get; }
    public LocalCodeSandbox Sandbox { get; }
    public LocalFolderFileStorage Files { get; }
    public InMemoryKnowledgeIndex Knowledge { get; }
    public EmbeddedDurableRuntime Runtime { get; }
    public WorkflowCatalog Catalog { get; }
    public WorkflowAppLoader Loader { get; }
    public WorkflowRunService Runs { get; }

    /// <summary>Base URL of the local HTTP server, e.g. http://127.0.0.1:PORT.</summary>
    public string WebUrl => Web.BaseUrl;

    /// <summary>Scripts the model server (every chat completion request).</summary>
    public Func<RecordedChatRequest, ChatReply> Responder
    {
        get => Models.Responder;
        set => Models.Responder = value;
    }

    public static async Task<ConformanceHarness> StartAsync()
    {
        var models = await OpenAiCompatibleServer.StartAsync();
        var routes = new WebRoutes();
        var web = await TestHttpServer.StartAsync(routes.Map);
        var harness = new ConformanceHarness(models, web, routes);
        return harness;
    }

    public static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "Fixtures", name));

    /// <summary>A fixture with <c>WEB</c> replaced by the local HTTP server's base URL.</summary>
    public string FixtureWithWeb(string name) => Fixture(name).Replace("http://WEB", WebUrl);

    public WorkflowDefinition Load(string yaml, string name = "fixture.yml")
    {
        var app = Loader.Load(yaml, name);
        Assert.True(app.Succeeded, string.Join("\n", app.Problems));
        return app.Definition!;
    }

    public IReadOnlyList<RunEvent> Events(string runId) => _events.For(runId);

    public async Task<string> StartAsync(string yaml, StartRunOptions? options = null) =>
        await Runs.StartAsync(Load(yaml), options ?? new StartRunOptions(), CancellationToken.None);

    public async Task<ConformanceRun> RunAsync(string yaml, StartRunOptions? options = null, int timeoutSeconds = 60)
    {
        var runId = await StartAsync(yaml, options);
        return await WaitAsync(runId, timeoutSeconds);
    }

    public async Task<ConformanceRun> WaitAsync(string runId, int timeoutSeconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var result = await Runs.WaitAsync(runId, timeout.Token);
        return new ConformanceRun(runId, result, _events.For(runId));
    }

    /// <summary>Waits until an event matching <paramref name="match"/> is in the run's log.</summary>
    public async Task<RunEvent> WaitForEventAsync(string runId, Func<RunEvent, bool> match, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (_events.For(runId).FirstOrDefault(match) is { } found) return found;
            await Task.Delay(20);
        }
        throw new TimeoutException("The expected event did not arrive. Events: " + string.Join(", ", _events.For(runId).Select(e => e.Event)));
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Sandbox.DisposeAsync();
        await Web.DisposeAsync();
        await Models.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    /// <summary>Stands in for Dify's SSRF proxy in a machine without internet: only 127.0.0.1 is reachable.</summary>
    private sealed class LoopbackOnlyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && !(IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)))
                throw new HttpRequestException($"Host {request.RequestUri.Host} is not reachable from the conformance tests (only 127.0.0.1).");
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Keeps the first event of each key, like the SQLite log does.</summary>
    private sealed class CapturingSink : IRunEventSink
    {
        private readonly ConcurrentDictionary<string, List<(string Key, RunEvent Event)>> _runs = new();

        public void Append(string runId, string key, RunEvent runEvent)
        {
            var list = _runs.GetOrAdd(runId, _ => []);
            lock (list)
                if (!list.Any(e => e.Key == key)) list.Add((key, runEvent));
        }

        public IReadOnlyList<RunEvent> For(string runId)
        {
            var list = _runs.GetOrAdd(runId, _ => []);
            lock (list) return list.Select(e => e.Event).ToList();
        }
    }
}

/// <summary>A finished run: its result and its event log.</summary>
public sealed record ConformanceRun(string RunId, WorkflowRunResult Result, IReadOnlyList<RunEvent> Events)
{
    public string Status => Result.Status;

    public IEnumerable<RunEvent> Named(string name) => Events.Where(e => e.Event == name);

    /// <summary>Node ids in node_started order (containers' children included).</summary>
    public IReadOnlyList<string> Started => Named("node_started").Select(e => e.Data["node_id"]!.ToString()).ToList();

    public IReadOnlyList<string> StartedOfType(string type) =>
        Named("node_started").Where(e => e.Data["node_type"]?.ToString() == type).Select(e => e.Data["node_id"]!.ToString()).ToList();

    /// <summary>The last node_finished event of a node.</summary>
    public JsonObject Finished(string nodeId) =>
        Named("node_finished").LastOrDefault(e => e.Data["node_id"]!.ToString() == nodeId)?.Data
        ?? throw new Xunit.Sdk.XunitException($"node {nodeId} did not finish; started: {string.Join(", ", Started)}; error: {Result.Error}");

    public JsonObject Outputs(string nodeId) => Finished(nodeId)["outputs"]!.AsObject();

    /// <summary>Concatenated text_chunk (workflow) or message (chatflow) events.</summary>
    public string Streamed(string eventName) =>
        string.Concat(Named(eventName).Select(e => (eventName == "message" ? e.Data["answer"] : e.Data["text"])!.ToString()));

    public void AssertStatus(string expected) =>
        Assert.True(expected == Result.Status, $"expected status {expected}, got {Result.Status}: {Result.Error}\nstarted: {string.Join(", ", Started)}");
}

/// <summary>
/// Routes of the local HTTP server: /echo (the request as JSON), /status/{code}, /flaky/{key} (503 twice, then 200),
/// /slow/{ms} (answers after a delay; start and end times recorded), /json/{name} (scripted JSON bodies).
/// </summary>
public sealed class WebRoutes
{
    private readonly ConcurrentDictionary<string, int> _flaky = new();

    public ConcurrentQueue<(string Key, string Phase, DateTime At)> SlowLog { get; } = new();
    public ConcurrentDictionary<string, string> JsonBodies { get; } = new();

    public int FlakyCalls(string key) => _flaky.GetValueOrDefault(key);

    public void Map(WebApplication app)
    {
        app.Map("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var query = new JsonObject();
            foreach (var (k, v) in context.Request.Query) query[k] = new JsonArray(v.Select(x => (JsonNode?)x).ToArray());
            var headers = new JsonObject();
            foreach (var (k, v) in context.Request.Headers)
                if (k.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || k is "Authorization" or "Content-Type")
                    headers[k.ToLowerInvariant()] = v.ToString();
            var echo = new JsonObject
            {
                ["method"] = context.Request.Method,
                ["query"] = query,
                ["headers"] = headers,
                ["body"] = body,
            };
            return Results.Text(echo.ToJsonString(), "application/json");
        });
        app.Map("/status/{code:int}", (int code) => Results.Text($"status {code}", "text/plain", statusCode: code));
        app.Map("/flaky/{key}", (string key) =>
        {
            var n = _flaky.AddOrUpdate(key, 1, (_, c) => c + 1);
            return n <= 2
                ? Results.Text($"attempt {n} failed", "text/plain", statusCode: 503)
                : Results.Text($$"""{"ok":true,"attempt":{{n}}}""", "application/json");
        });
        app.Map("/slow/{key}/{ms:int}", async (string key, int ms, HttpContext context) =>
        {
            SlowLog.Enqueue((key, "start", DateTime.UtcNow));
            try
            {
                await Task.Delay(ms, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                SlowLog.Enqueue((key, "aborted", DateTime.UtcNow));
                throw;
            }
            SlowLog.Enqueue((key, "end", DateTime.UtcNow));
            return Results.Text($$"""{"key":"{{key}}","slept":{{ms}}}""", "application/json");
        });
        app.Map("/json/{name}", (string name) =>
            JsonBodies.TryGetValue(name, out var body) ? Results.Text(body, "application/json") : Results.NotFound());
    }
}

/// <summary>One harness for the whole Conformance collection (servers and sandbox workers start once).</summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    public ConformanceHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await ConformanceHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ConformanceCollection : ICollectionFixture<ConformanceFixture>
{
    public const string Name = "Conformance";
}
