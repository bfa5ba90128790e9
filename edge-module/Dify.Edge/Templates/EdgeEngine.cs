using Dify.Durable;
using Dify.Edge.Nodes.OnnxInference;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Files;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.HttpRequest;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Templates;

/// <summary>
/// The cloud's workflow engine, composed for the device: the embedded durable runtime on <c>{data}/durable.db</c>
/// (a run survives a power cut), the built-in nodes plus <c>onnx-inference</c> and <c>http-request</c> (line-side REST
/// APIs). No run event log: the device only keeps end results (as events).
/// </summary>
public sealed class EdgeEngine : IAsyncDisposable
{
    private readonly HttpClient http;

    public EdgeEngine(string dataDirectory, ModelCatalog models, ILoggerFactory loggers)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(DataDirectory);
        Models = models;
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        var files = new LocalFolderFileStorage(Path.Combine(DataDirectory, "files"), remoteClient: http);
        Registry = new NodeExecutorRegistry([new OnnxInferenceNode(models), new HttpRequestNode(http, files)]);
        Catalog = new WorkflowCatalog();
        IRunEventSink sink = new NullRunEventSink();
        var orchestrator = new WorkflowOrchestrator(Catalog, sink);
        var activity = new NodeActivity(Catalog, sink, loggers.CreateLogger<NodeActivity>());
        Runtime = new EmbeddedDurableRuntime(
            new EmbeddedRuntimeOptions
            {
                DatabasePath = Path.Combine(DataDirectory, "durable.db"),
                SerializerOptions = WorkflowOrchestrator.SerializerOptions,
                RecordActivityInputHashes = false,
            },
            loggers.CreateLogger<EmbeddedDurableRuntime>());
        Runtime.RegisterOrchestrator(WorkflowOrchestrator.Name, orchestrator.RunJsonAsync);
        Runtime.RegisterActivity(NodeActivity.Name, async (_, input, ct) => await activity.ExecuteAsync((NodeActivityInput)input!, ct));
        Loader = new WorkflowAppLoader(new DslImporter(), new WorkflowCompiler(Registry));
        Runs = new WorkflowRunService(Runtime, Catalog, TimeProvider.System);
    }

    public string DataDirectory { get; }
    public ModelCatalog Models { get; }
    public NodeExecutorRegistry Registry { get; }
    public WorkflowCatalog Catalog { get; }
    public EmbeddedDurableRuntime Runtime { get; }
    public WorkflowAppLoader Loader { get; }
    public WorkflowRunService Runs { get; }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync().ConfigureAwait(false);
        http.Dispose();
    }
}
