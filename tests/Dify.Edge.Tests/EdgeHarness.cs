using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dify.Edge.Events;
using Dify.Edge.Inference;
using Dify.Edge.Methods;
using Dify.Edge.Nodes.OnnxInference;
using Dify.Edge.Sync;
using Dify.Edge.Templates;
using Dify.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Tests;

/// <summary>The module's parts composed as the host composes them, on a temp data folder and the generated models.</summary>
public sealed class EdgeHarness : IAsyncDisposable
{
    private readonly TempDirectory? owned;

    public EdgeHarness(string modelDirectory, string? dataDirectory = null, IEventSink? sink = null, InferenceOptions? inference = null)
    {
        if (dataDirectory is null) owned = new TempDirectory("dify-edge-host");
        DataDirectory = dataDirectory ?? owned!.Path;
        var loggers = NullLoggerFactory.Instance;
        Runtime = new OrtRuntimeHolder(inference ?? new InferenceOptions { IntraOpThreads = 1 }, NullLogger<OrtRuntimeHolder>.Instance);
        Models = new ModelCatalog(Runtime, modelDirectory, loggers);
        Engine = new EdgeEngine(DataDirectory, Models, loggers);
        Store = new TemplateStore(Engine, NullLogger<TemplateStore>.Instance);
        Sink = sink ?? new MemoryEventSink();
        Runner = new TemplateRunner(Engine, Store, Sink, NullLogger<TemplateRunner>.Instance);
        Methods = new DirectMethods(Runner, Store, Sink, Models, NullLogger<DirectMethods>.Instance);
        Twin = new MemoryTwin();
        Http = new HttpClient();
        Sync = new TemplateSync(Store, new TemplateFetcher(Http, 64 * 1024), Twin, 64 * 1024, NullLogger<TemplateSync>.Instance);
    }

    public string DataDirectory { get; }
    public OrtRuntimeHolder Runtime { get; }
    public ModelCatalog Models { get; }
    public EdgeEngine Engine { get; }
    public TemplateStore Store { get; }
    public IEventSink Sink { get; }
    public MemoryEventSink Events => (MemoryEventSink)Sink;
    public TemplateRunner Runner { get; }
    public DirectMethods Methods { get; }
    public MemoryTwin Twin { get; }
    public HttpClient Http { get; }
    public TemplateSync Sync { get; }

    public async Task<ActiveTemplate> ActivateAsync(string id, string version, string yaml)
    {
        var status = await Store.ActivateAsync(id, version, yaml, enabled: true, CancellationToken.None);
        Assert.True(status.Status == TemplateStatus.Active, status.Error);
        return Store.Find(id)!;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Models.Dispose();
        Runtime.Dispose();
        Http.Dispose();
        owned?.Dispose();
    }
}

/// <summary>An event sink in memory (the link's queue stands in for it on the device).</summary>
public sealed class MemoryEventSink : IEventSink
{
    private readonly ConcurrentQueue<TemplateEvent> events = new();

    public IReadOnlyList<TemplateEvent> Events => [.. events];

    public EventSinkStatus Status => new(events.Count, 0, false, 0);

    public Task PublishAsync(TemplateEvent templateEvent, CancellationToken cancellationToken)
    {
        events.Enqueue(templateEvent);
        return Task.CompletedTask;
    }

    public Task<long> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult((long)events.Count);
}

/// <summary>The twin as the hub would hold it, in memory: tests push desired patches and read what was reported.</summary>
public sealed class MemoryTwin : ITemplateSource
{
    private Func<JsonObject, CancellationToken, Task>? handler;

    public JsonObject Desired { get; set; } = new();

    public JsonObject Reported { get; } = new();

    public List<JsonObject> Reports { get; } = [];

    public Task<JsonObject?> GetDesiredAsync(CancellationToken cancellationToken) => Task.FromResult<JsonObject?>((JsonObject)Desired.DeepClone());

    public void OnDesiredPatch(Func<JsonObject, CancellationToken, Task> patchHandler) => handler = patchHandler;

    public Task ReportAsync(JsonObject patch, CancellationToken cancellationToken)
    {
        lock (Reports)
        {
            Reports.Add((JsonObject)patch.DeepClone());
            var merged = TemplateSyncMerge(Reported, patch);
            Reported.Clear();
            foreach (var (k, v) in merged) Reported[k] = v?.DeepClone();
        }

        return Task.CompletedTask;
    }

    public Task PushAsync(JsonObject patch)
    {
        Desired = TemplateSyncMerge(Desired, patch);
        return handler!(patch, CancellationToken.None);
    }

    private static JsonObject TemplateSyncMerge(JsonObject target, JsonObject patch)
    {
        var result = (JsonObject)target.DeepClone();
        foreach (var (key, value) in patch)
        {
            if (value is null) result.Remove(key);
            else if (value is JsonObject child && result[key] is JsonObject existing) result[key] = TemplateSyncMerge(existing, child);
            else result[key] = value.DeepClone();
        }

        return result;
    }
}
