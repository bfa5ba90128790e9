using Dify.Cloud.Configuration;
using Dify.Cloud.Files;
using Dify.Knowledge.Extraction;
using Dify.Knowledge.Pipeline;
using Dify.Storage.AzureStores;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Files;
using Dify.Workflows.Hosting;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes;
using Dify.Workflows.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Dify.Models;

namespace Dify.Cloud.Engine;

/// <summary>
/// The engine pieces of the cloud composition: node executors over the registered adapters, the loader, the
/// store-backed catalog, <see cref="WorkflowOrchestrator"/> (what the Durable orchestrator function runs),
/// <see cref="NodeActivity"/> (what the activity function runs) and <see cref="WorkflowRunService"/> (over the host's
/// <see cref="Dify.Durable.IOrchestrationClient"/>).
/// </summary>
public static class CloudWorkflowEngine
{
    public static IServiceCollection AddCloudWorkflowEngine(this IServiceCollection services)
    {
        // Uploads and files made by nodes (http-request binary responses) live in Blob storage, readable by every instance.
        services.AddSingleton<IFileContentStore>(sp => new BlobFileStorage(sp.GetRequiredService<AzureStoreAccount>(),
            sp.GetRequiredService<IOptions<CloudStorageOptions>>().Value.FilesContainer, sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IFileStorage>(sp => sp.GetRequiredService<IFileContentStore>());
        services.AddSingleton(sp =>
        {
            var models = sp.GetRequiredService<IModelProviders>();
            var sandbox = sp.GetRequiredService<ICodeSandbox>();
            var files = sp.GetRequiredService<IFileStorage>();
            // Resolved on first use: a deployment without AI Search still runs apps that do not retrieve.
            var retriever = new LazyRetriever(() => sp.GetRequiredService<IKnowledgeRetriever>());
            // PDFs in the document extractor under the Knowledge:Ingestion license choice, like document ingestion.
            var documents = PdfDocumentTextExtractor.For(sp.GetRequiredService<IOptions<IngestionOptions>>().Value);
            return new NodeExecutorRegistry(StandardNodeExecutors.Create(models, sandbox, files, retriever, documents: documents));
        });
        services.AddSingleton(sp => new WorkflowAppLoader(new DslImporter(), new WorkflowCompiler(sp.GetRequiredService<NodeExecutorRegistry>())));
        services.AddSingleton<IWorkflowCatalog, StoreBackedWorkflowCatalog>();
        services.AddSingleton<WorkflowOrchestrator>();
        services.AddSingleton(sp => new NodeActivity(sp.GetRequiredService<IWorkflowCatalog>(), sp.GetRequiredService<Dify.Workflows.Engine.Events.IRunEventSink>(),
            sp.GetRequiredService<ILogger<NodeActivity>>()));
        services.AddSingleton<WorkflowRunService>();
        return services;
    }

    private sealed class LazyRetriever(Func<IKnowledgeRetriever> resolve) : IKnowledgeRetriever
    {
        private readonly Lazy<IKnowledgeRetriever> _inner = new(resolve);

        public Task<IReadOnlyList<DatasetInfo>> GetDatasetsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken) =>
            _inner.Value.GetDatasetsAsync(datasetIds, cancellationToken);

        public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(KnowledgeQuery query, CancellationToken cancellationToken) =>
            _inner.Value.RetrieveAsync(query, cancellationToken);
    }
}
