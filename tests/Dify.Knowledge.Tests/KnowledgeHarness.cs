using System.Text;
using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Models;
using Dify.Models.Configuration;
using Dify.Models.Embeddings;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;
using Microsoft.Extensions.Options;

namespace Dify.Knowledge.Tests;

/// <summary>A knowledge file in a temp folder with the real index and ingestor over it.</summary>
internal sealed class KnowledgeHarness : IAsyncDisposable
{
    private readonly bool _ownsFolder;

    private KnowledgeHarness(TempDirectory folder, bool ownsFolder, KnowledgeDatabase database, IEmbeddingModel embeddings, IngestionOptions options, KnowledgeIndexOptions indexOptions)
    {
        Folder = folder;
        _ownsFolder = ownsFolder;
        Database = database;
        Embeddings = embeddings;
        Index = new SqliteKnowledgeIndex(database, embeddings, indexOptions);
        Ingestor = new KnowledgeIngestor(database, Index, embeddings, options);
    }

    public TempDirectory Folder { get; }
    public KnowledgeDatabase Database { get; }
    public IEmbeddingModel Embeddings { get; }
    public SqliteKnowledgeIndex Index { get; }
    public KnowledgeIngestor Ingestor { get; }

    public static async Task<KnowledgeHarness> StartAsync(IEmbeddingModel embeddings, IngestionOptions? options = null, TempDirectory? folder = null, KnowledgeIndexOptions? indexOptions = null)
    {
        var owns = folder is null;
        folder ??= new TempDirectory("dify-knowledge");
        var database = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None);
        return new KnowledgeHarness(folder, owns, database, embeddings, options ?? new IngestionOptions(), indexOptions ?? new KnowledgeIndexOptions());
    }

    /// <summary>Embeddings from the local OpenAI-compatible server (no retries in the client: the pipeline's own backoff applies).</summary>
    public static IEmbeddingModel ServerEmbeddings(OpenAiCompatibleServer server) =>
        new ModelProviders(Options.Create(new ModelsOptions
        {
            Default = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = "sk-test" },
            MaxRetries = 0,
            TimeoutSeconds = 30,
        })).Embeddings;

    public Task CreateDatasetAsync(string id, string provider = "openai", string model = "text-embedding-3-small",
        Dify.Workflows.Knowledge.DatasetRetrievalSettings? retrieval = null, IndexingTechnique technique = IndexingTechnique.HighQuality) =>
        Index.Datasets.SaveAsync(new DatasetRecord(id, $"Dataset {id}", $"About {id}", technique, provider, model, retrieval), CancellationToken.None);

    public Task<DocumentRecord> IngestTextAsync(string datasetId, string documentId, string text, ProcessRule? rule = null, JsonObject? metadata = null, CancellationToken ct = default) =>
        Ingestor.IngestAsync(datasetId, documentId, documentId + ".txt", new MemoryStream(Encoding.UTF8.GetBytes(text)), rule ?? ProcessRule.Custom("\\n", 200, 0), ct, metadata);

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsFolder) Folder.Dispose();
    }
}
