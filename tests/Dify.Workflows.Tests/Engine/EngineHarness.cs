using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Testing;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Workflows.Tests.Engine;

/// <summary>Runs DSL fixtures on the real engine: embedded durable runtime on a temp SQLite file, events captured in memory.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CapturingSink _events = new();

    public EngineHarness(params INodeExecutor[] executors)
    {
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

    public EmbeddedDurableRuntime Runtime { get; }
    public WorkflowCatalog Catalog { get; }
    public WorkflowAppLoader Loader { get; }
    public WorkflowRunService Runs { get; }

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Engine", "Fixtures", name));

    public WorkflowDefinition Load(string yaml, string name = "fixture.yml")
    {
        var app = Loader.Load(yaml, name);
        Assert.True(app.Succeeded, string.Join("\n", app.Problems));
        return app.Definition!;
    }

    public async Task<(WorkflowRunResult Result, IReadOnlyList<RunEvent> Events, string RunId)> RunAsync(string yaml, StartRunOptions? options = null)
    {
        var definition = Load(yaml);
        var runId = await Runs.StartAsync(definition, options ?? new StartRunOptions(), CancellationToken.None);
        var result = await Runs.WaitAsync(runId, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return (result, _events.For(runId), runId);
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        _dir.Dispose();
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

public static class JsonAssert
{
    public static void Equal(string expectedJson, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual), $"expected {expectedJson}\n   actual {actual?.ToJsonString()}");
}
