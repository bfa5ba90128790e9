using Azure.Core;
using Dify.Api;
using Dify.Api.Auth;
using Dify.Api.Datasets;
using Dify.Cloud.Configuration;
using Dify.Cloud.Engine;
using Dify.Cloud.Http;
using Dify.Cloud.Knowledge;
using Dify.Cloud.Models;
using Dify.Cloud.Stores;
using Dify.Cloud.Templates;
using Dify.IoTHub;
using Dify.IoTHub.Templates;
using Dify.Cloud.Edge;
using Dify.Storage.Edge;
using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Datasets;
using Dify.Models;
using Dify.Models.Configuration;
using Dify.Storage.Apps;
using Dify.Storage.Azure.Connection;
using Dify.Storage.AzureStores;
using Dify.Storage.Conversations;
using Dify.Storage.Feedback;
using Dify.Storage.Files;
using Dify.Storage.Runs;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Sandbox;
using Dify.Workflows.Sandbox.AzureContainerApps;
using Dify.Workflows.Sandbox.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Cloud;

public static class CloudServiceCollectionExtensions
{
    /// <summary>App setting naming the user-assigned identity every Azure call signs in as (empty: developer sign-in).</summary>
    public const string ClientIdSetting = "AZURE_CLIENT_ID";

    /// <summary>
    /// The Azure composition: options bound from the app settings the Bicep sets (<c>Storage__*</c>, <c>Search__*</c>,
    /// <c>Models__*</c>, <c>IoTHub__*</c>, <c>Admin__ApiKey</c>, <c>AZURE_CLIENT_ID</c>), Table/Blob stores, Azure OpenAI
    /// through the OpenAI-compatible provider (key, or Entra ID token when the key is empty), Azure AI Search as the
    /// knowledge retriever and index, the code sandbox, the IoT Hub template publisher, the workflow engine and the
    /// Service API. The host adds an <see cref="Dify.Durable.IOrchestrationClient"/> (Durable Functions, or the embedded
    /// runtime in tests) and calls the entry points: <see cref="DifyHttpPipeline"/>, <see cref="Dify.Workflows.Engine.WorkflowOrchestrator"/>,
    /// <see cref="Dify.Workflows.Engine.Runtime.NodeActivity"/>,
    /// <see cref="DocumentBlobTriggerHandler"/>, <see cref="DocumentReconciler"/>, <see cref="TemplateBlobHandler"/>.
    /// </summary>
    public static IServiceCollection AddDifyCloud(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CloudStorageOptions>().Bind(configuration.GetSection(CloudStorageOptions.SectionName));
        services.AddOptions<CloudSearchOptions>().Bind(configuration.GetSection(CloudSearchOptions.SectionName));
        services.AddOptions<CloudKnowledgeOptions>().Bind(configuration.GetSection(CloudKnowledgeOptions.SectionName));
        // Same section as the local host: the PDF license choice reaches ingestion and the document-extractor node.
        services.AddOptions<Dify.Knowledge.Pipeline.IngestionOptions>().Bind(configuration.GetSection("Knowledge:Ingestion"));
        services.AddOptions<CloudIoTHubOptions>().Bind(configuration.GetSection(CloudIoTHubOptions.SectionName));
        services.AddOptions<CloudSandboxOptions>().Bind(configuration.GetSection(CloudSandboxOptions.SectionName));
        services.AddOptions<LocalSandboxOptions>().Bind(configuration.GetSection("Sandbox"));
        services.AddOptions<ModelsOptions>().Bind(configuration.GetSection(ModelsOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => StorageTokenCredentials.Default(SettingValues.OrNull(configuration[ClientIdSetting])));

        AddStores(services);
        AddModelsAndKnowledge(services);
        AddSandbox(services);
        services.AddCloudWorkflowEngine();
        AddIoTHub(services);

        services.AddRouting(); // DifyHttpPipeline routes itself; the host's web app may not have added it
        services.AddDifyApi(configuration);
        // An unresolved Key Vault reference must not become the admin key: then every console call is refused.
        services.PostConfigure<AdminOptions>(o => o.ApiKey = SettingValues.OrNull(o.ApiKey));
        services.AddSingleton<DifyHttpPipeline>();
        AddDatasetApi(services, configuration);
        services.AddSingleton<DocumentBlobTriggerHandler>();
        services.AddSingleton<IndexedDocumentLedger>();
        services.AddSingleton<DocumentReconciler>();
        services.AddSingleton<TemplateBlobHandler>();
        AddEdge(services, configuration);
        return services;
    }

    private static void AddStores(IServiceCollection services)
    {
        services.AddSingleton(sp => CreateAccount(sp.GetRequiredService<IOptions<CloudStorageOptions>>().Value, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<CloudTables>();
        services.AddSingleton<CloudResources>();
        services.AddHostedService(sp => sp.GetRequiredService<CloudResources>());
        services.AddSingleton<IAppStore, TableAppStore>();
        services.AddSingleton<IApiKeyStore, TableApiKeyStore>();
        services.AddSingleton<IEndUserStore, TableEndUserStore>();
        services.AddSingleton<TableConversationStore>();
        services.AddSingleton<IConversationStore>(sp => sp.GetRequiredService<TableConversationStore>());
        services.AddSingleton<IConversationVariableWriter>(sp => sp.GetRequiredService<TableConversationStore>());
        services.AddSingleton<IWorkflowRunIndex, TableWorkflowRunIndex>();
        services.AddSingleton<IRunEventLog>(sp => sp.GetRequiredService<CloudResources>().Get().Events);
        services.AddSingleton<IUploadFileStore, TableUploadFileStore>();
        services.AddSingleton<IMessageFeedbackStore, TableMessageFeedbackStore>();
        services.AddSingleton(sp => new TableKnowledgeCatalog(sp.GetRequiredService<AzureStoreAccount>().Tables, sp.GetRequiredService<IOptions<CloudStorageOptions>>().Value.TablePrefix));
        services.AddSingleton<TableKnowledgeAttributes>();
        services.AddSingleton<IRunEventSink>(sp => new CompositeRunEventSink(new RunEventLogSink(sp.GetRequiredService<IRunEventLog>()), new TracingRunEventSink()));
    }

    /// <summary>Connection string (Azurite, Shared Key) when set, else the https endpoints with the identity.</summary>
    public static AzureStoreAccount CreateAccount(CloudStorageOptions options, TokenCredential credential)
    {
        var storeOptions = new AzureStoreOptions { TablePrefix = options.TablePrefix, TemplatesContainer = options.TemplatesContainer };
        if (SettingValues.OrNull(options.ConnectionString) is { } connectionString) return new AzureStoreAccount(connectionString, storeOptions);
        if (options.TableEndpoint is null || options.BlobEndpoint is null)
            throw new InvalidOperationException("Storage is not configured: set Storage:ConnectionString, or Storage:TableEndpoint and Storage:BlobEndpoint (app settings Storage__*).");
        return new AzureStoreAccount(options.TableEndpoint, options.BlobEndpoint, credential, storeOptions);
    }

    private static void AddModelsAndKnowledge(IServiceCollection services)
    {
        services.AddSingleton(sp => new HttpClient(new EntraIdTokenHandler(sp.GetRequiredService<TokenCredential>()) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
        {
            Timeout = Timeout.InfiniteTimeSpan, // the model client applies its own per-try timeout (Models:TimeoutSeconds)
        });
        services.AddSingleton<IModelProviders>(sp => new ModelProviders(sp.GetRequiredService<IOptions<ModelsOptions>>(), sp.GetService<ILoggerFactory>(), sp.GetRequiredService<HttpClient>()));
        services.AddSingleton(sp => new Dify.Knowledge.Embedding.EmbeddingRouter(new Dify.Knowledge.Embedding.HashingEmbeddingModel(), sp.GetRequiredService<IModelProviders>().Embeddings));
        services.AddSingleton(sp => CreateSearchIndex(sp));
        services.AddSingleton<SearchIndexSchema>();
        services.AddSingleton<IKnowledgeRetriever, SchemaCheckedRetriever>();
        services.AddSingleton<IKnowledgeIndexWriter>(sp => sp.GetRequiredService<AzureSearchKnowledgeIndex>());
    }

    private static AzureSearchKnowledgeIndex CreateSearchIndex(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<CloudSearchOptions>>().Value;
        if (options.Endpoint is null)
            throw new InvalidOperationException("Azure AI Search is not configured: set Search:Endpoint (app setting Search__Endpoint) to use knowledge retrieval or document ingestion.");
        var search = new AzureSearchOptions
        {
            Endpoint = options.Endpoint,
            IndexName = options.IndexName,
            ApiKey = SettingValues.OrNull(options.ApiKey),
            Credential = SettingValues.OrNull(options.ApiKey) is null ? sp.GetRequiredService<TokenCredential>() : null,
            VectorDimensions = options.VectorDimensions,
            UseSemanticRanker = options.UseSemanticRanker,
        };
        search.ClientOptions = options.ClientOptions;
        return new AzureSearchKnowledgeIndex(search, sp.GetRequiredService<TableKnowledgeCatalog>(), sp.GetRequiredService<Dify.Knowledge.Embedding.EmbeddingRouter>(),
            sp.GetService<ILogger<AzureSearchKnowledgeIndex>>());
    }

    /// <summary>
    /// The Dataset API over the Table catalog, the <c>documents</c> container and Azure AI Search
    /// (<see cref="CloudDatasetBackend"/>), segments and document status on the search index (<see cref="CloudSegmentBackend"/>),
    /// tags and metadata fields in the Table attributes (document values also merged into the index); the child-chunk
    /// routes answer 501 (<see cref="UnsupportedCloudRoutes"/>).
    /// </summary>
    private static void AddDatasetApi(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IDatasetKeyStore, TableDatasetKeyStore>();
        services.AddSingleton(sp => new ModelReranker(sp.GetRequiredService<IModelProviders>().Rerank));
        services.AddSingleton<IDatasetBackend, CloudDatasetBackend>();
        services.AddSingleton<IDatasetSegmentBackend, CloudSegmentBackend>();
        services.AddSingleton<CloudDocumentMetadataStore>();
        services.AddSingleton(sp => new DatasetMetadata(sp.GetRequiredService<TableKnowledgeAttributes>(), sp.GetRequiredService<CloudDocumentMetadataStore>()));
        services.AddSingleton(sp => new KnowledgeTags(sp.GetRequiredService<TableKnowledgeAttributes>(), sp.GetRequiredService<TableKnowledgeCatalog>().ListDatasetsAsync));
        services.AddDifyDatasetApiCore(configuration);
    }

    private static void AddSandbox(IServiceCollection services) =>
        services.AddSingleton<ICodeSandbox>(sp =>
        {
            var aca = sp.GetRequiredService<IOptions<CloudSandboxOptions>>().Value;
            if (aca.PoolManagementEndpoint is { } endpoint)
                return new AzureContainerAppsSandbox(sp.GetRequiredService<TokenCredential>(),
                    new AzureContainerAppsSandboxOptions { PoolManagementEndpoint = endpoint, ExecutionTimeout = aca.ExecutionTimeout });
            return new LocalCodeSandbox(sp.GetRequiredService<IOptions<LocalSandboxOptions>>().Value, sp.GetService<ILogger<LocalCodeSandbox>>());
        });

    /// <summary>
    /// Device events (Table store with dedup, routes from <c>EdgeEvents:*</c>) and the console's edge routes; template
    /// publishing to modules only when IoT Hub is configured (otherwise those routes answer 501).
    /// </summary>
    private static void AddEdge(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TableEdgeEventStore>();
        services.AddSingleton<IEdgeEventStore>(sp => sp.GetRequiredService<TableEdgeEventStore>());
        services.AddDifyEdgeApi(configuration);
        services.AddSingleton<EdgeEventsTriggerHandler>();
        var hub = configuration.GetSection(CloudIoTHubOptions.SectionName);
        if (SettingValues.OrNull(hub[nameof(CloudIoTHubOptions.ConnectionString)]) is not null || SettingValues.OrNull(hub[nameof(CloudIoTHubOptions.HostName)]) is not null)
            services.AddSingleton<IModuleTemplateChannel>(sp => new IoTHubTemplateChannel(sp.GetRequiredService<TemplatePublisher>(), sp.GetRequiredService<IoTHubServiceClient>()));
    }

    private static void AddIoTHub(IServiceCollection services)
    {
        services.AddSingleton<IBlobUrlProvider, BlobTemplateUrlProvider>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CloudIoTHubOptions>>().Value;
            if (SettingValues.OrNull(options.ConnectionString) is { } connectionString) return new IoTHubServiceClient(connectionString);
            if (SettingValues.OrNull(options.HostName) is not { } host)
                throw new InvalidOperationException("IoT Hub is not configured: set IoTHub:HostName (app setting IoTHub__HostName) to publish templates to devices.");
            return new IoTHubServiceClient(host, sp.GetRequiredService<TokenCredential>());
        });
        services.AddSingleton(sp => new TemplatePublisher(sp.GetRequiredService<IoTHubServiceClient>(), sp.GetRequiredService<IBlobUrlProvider>()));
    }
}
