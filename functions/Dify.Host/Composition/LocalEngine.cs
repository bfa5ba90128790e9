using Dify.Durable;
using Dify.Storage.Sqlite;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Composition;

/// <summary>
/// The embedded default: one process, state in a data folder (SQLite files + uploads). Wires the
/// durable runtime, the run event log, node executors and their local adapters. Used by the CLI,
/// the local HTTP host, tests and the benchmark.
/// </summary>
public sealed class LocalEngine : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private LocalEngine(string dataDirectory) => DataDirectory = dataDirectory;

    public string DataDirectory { get; }
    public required EmbeddedDurableRuntime Runtime { get; init; }
    public required SqliteRunEventLog Events { get; init; }
    public required IWorkflowCatalog Catalog { get; init; }
    public required WorkflowAppLoader Loader { get; init; }
    public required WorkflowRunService Runs { get; init; }
    /// <summary>The embedded knowledge index (knowledge.db and its vector files; BM25 and int8 vector views in memory) and its ingestion pipeline.</summary>
    public required Dify.Knowledge.Index.SqliteKnowledgeIndex Knowledge { get; init; }
    public required Dify.Knowledge.Pipeline.KnowledgeIngestor Ingestor { get; init; }
    /// <summary>Uploads and files nodes produce (data/files); the API's upload routes share it.</summary>
    public required Dify.Workflows.Files.LocalFolderFileStorage Files { get; init; }
    /// <summary>The configured model providers the LLM nodes use.</summary>
    public required Dify.Models.IModelProviders Models { get; init; }

    public static async Task<LocalEngine> StartAsync(string dataDirectory, IConfiguration configuration, ILoggerFactory loggers, CancellationToken cancellationToken, IRunEventSink? extraSink = null)
    {
        var data = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(data);
        var events = await SqliteRunEventLog.OpenAsync(new SqliteDatabase(Path.Combine(data, "events.db")), loggers.CreateLogger<SqliteRunEventLog>(), cancellationToken);
        var tracerProvider = Tracing.Create(configuration);
        IRunEventSink[] sinks = extraSink is null
            ? [new RunEventLogSink(events), new TracingRunEventSink()]
            : [new RunEventLogSink(events), new TracingRunEventSink(), extraSink];
        var sink = new CompositeRunEventSink(sinks);

        var adapters = await LocalAdapters.CreateAsync(data, configuration, loggers, cancellationToken);
        var registry = new NodeExecutorRegistry(adapters.Executors);
        var catalog = new WorkflowCatalog();
        var orchestrator = new WorkflowOrchestrator(catalog, sink);
        var activity = new NodeActivity(catalog, sink, loggers.CreateLogger<NodeActivity>());

        var runtime = new EmbeddedDurableRuntime(
            new EmbeddedRuntimeOptions
            {
                DatabasePath = Path.Combine(data, "durable.db"),
                SerializerOptions = WorkflowOrchestrator.SerializerOptions,
                // Hashing each input means serialising the whole variable pool per node; replay tests keep it on.
                RecordActivityInputHashes = false,
            },
            loggers.CreateLogger<EmbeddedDurableRuntime>());
        runtime.RegisterOrchestrator(WorkflowOrchestrator.Name, orchestrator.RunJsonAsync);
        runtime.RegisterActivity(NodeActivity.Name, async (_, input, ct) => await activity.ExecuteAsync((NodeActivityInput)input!, ct));

        var engine = new LocalEngine(data)
        {
            Runtime = runtime,
            Events = events,
            Catalog = catalog,
            Loader = new WorkflowAppLoader(new DslImporter(), new WorkflowCompiler(registry)),
            Runs = new WorkflowRunService(runtime, catalog, TimeProvider.System),
            Knowledge = adapters.Knowledge,
            Ingestor = adapters.Ingestor,
            Files = adapters.Files,
            Models = adapters.Models,
        };
        if (tracerProvider is not null) engine._owned.Add(new DisposableAdapter(tracerProvider)); // disposed last: flushes spans
        engine._owned.Add(runtime);
        engine._owned.Add(events);
        engine._owned.Add(adapters);
        return engine;
    }

    private string AppsDirectory => Path.Combine(DataDirectory, "apps");

    /// <summary>Keeps the app file so unfinished runs of it can be resumed after a restart.</summary>
    public void Remember(LoadedApp app, string content)
    {
        if (app.Definition is null) return;
        Directory.CreateDirectory(AppsDirectory);
        var path = Path.Combine(AppsDirectory, app.Definition.Key + ".yml");
        if (!File.Exists(path)) File.WriteAllText(path, content);
        Catalog.Add(app.Definition);
    }

    /// <summary>Loads every remembered app, then replays and continues every unfinished run.</summary>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(AppsDirectory))
            foreach (var file in Directory.EnumerateFiles(AppsDirectory, "*.yml"))
            {
                var app = Loader.Load(await File.ReadAllTextAsync(file, cancellationToken), Path.GetFileName(file));
                if (app.Definition is not null) Catalog.Add(app.Definition);
            }
        // Documents whose ingestion was cut off continue too (already embedded chunks are reused).
        await Ingestor.ResumePendingAsync(cancellationToken);
        return await Runtime.ResumeUnfinishedAsync(cancellationToken);
    }

    /// <summary>
    /// The local blob trigger: files landing at <c>{data}/documents/{dataset_id}/{path}</c> are ingested within
    /// seconds, deleted files are removed from the index (the Functions app calls the same pipeline from a blob trigger).
    /// </summary>
    public async Task<string> WatchDocumentsAsync(ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var watcher = new Dify.Knowledge.Triggers.FolderWatcher(Ingestor,
            new Dify.Knowledge.Triggers.FolderWatcherOptions { Root = DataDirectory }, loggers.CreateLogger<Dify.Knowledge.Triggers.FolderWatcher>());
        Directory.CreateDirectory(watcher.DocumentsFolder);
        await watcher.StartAsync(cancellationToken);
        _owned.Add(watcher); // disposed in reverse order: stopped before the index it writes to
        return watcher.DocumentsFolder;
    }

    private sealed class DisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }
}
