using Dify.Knowledge.Embedding;
using Dify.Knowledge.Extraction;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Storage;
using Dify.Models;
using Dify.Models.Configuration;
using Dify.Workflows.Files;
using Dify.Workflows.Nodes;
using Dify.Workflows.Sandbox.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Host.Composition;

/// <summary>
/// The local adapters behind the I/O nodes (models, code sandbox, HTTP, files, knowledge) and the
/// executors using them. Configuration sections: Models (see Dify.Models), Sandbox (LocalSandboxOptions).
/// </summary>
internal sealed class LocalAdapters : IAsyncDisposable
{
    private readonly List<object> _owned = [];

    public List<INodeExecutor> Executors { get; } = [];
    public required ModelProviders Models { get; init; }
    public required LocalCodeSandbox Sandbox { get; init; }
    public required LocalFolderFileStorage Files { get; init; }
    public required SqliteKnowledgeIndex Knowledge { get; init; }
    public required KnowledgeIngestor Ingestor { get; init; }

    public static async Task<LocalAdapters> CreateAsync(string dataDirectory, IConfiguration configuration, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var modelOptions = configuration.GetSection(ModelsOptions.SectionName).Get<ModelsOptions>() ?? new ModelsOptions();
        var sandboxOptions = configuration.GetSection("Sandbox").Get<LocalSandboxOptions>() ?? new LocalSandboxOptions();
        sandboxOptions.WorkRoot ??= Path.Combine(dataDirectory, "sandbox");
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

        var models = new ModelProviders(Options.Create(modelOptions), loggers);
        // Datasets embed with the embedded hashing embedder unless they name a configured provider.
        var embeddings = new EmbeddingRouter(new HashingEmbeddingModel(), models.Embeddings);
        var knowledgeDb = await KnowledgeDatabase.OpenAsync(Path.Combine(dataDirectory, "knowledge.db"), cancellationToken);
        var index = new SqliteKnowledgeIndex(knowledgeDb, embeddings, logger: loggers.CreateLogger<SqliteKnowledgeIndex>());
        var ingestion = configuration.GetSection("Knowledge:Ingestion").Get<IngestionOptions>() ?? new IngestionOptions();
        var adapters = new LocalAdapters
        {
            Models = models,
            Knowledge = index,
            Ingestor = new KnowledgeIngestor(knowledgeDb, index, embeddings, ingestion, loggers.CreateLogger<KnowledgeIngestor>()),
            Sandbox = new LocalCodeSandbox(sandboxOptions, loggers.CreateLogger<LocalCodeSandbox>()),
            Files = new LocalFolderFileStorage(Path.Combine(dataDirectory, "files"), remoteClient: http),
        };
        adapters.Executors.AddRange(StandardNodeExecutors.Create(adapters.Models, adapters.Sandbox, adapters.Files, adapters.Knowledge, http,
            // The workflow document extractor reads PDFs under the same license choice as ingestion.
            PdfDocumentTextExtractor.For(ingestion)));
        adapters._owned.Add(adapters.Sandbox);
        adapters._owned.Add(http);
        adapters._owned.Add(knowledgeDb);
        return adapters;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var o in _owned)
        {
            if (o is IAsyncDisposable ad) await ad.DisposeAsync();
            else if (o is IDisposable d) d.Dispose();
        }
    }
}
