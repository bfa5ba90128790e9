using System.Text.Json.Nodes;
using Dify.Knowledge.AzureSearch.Tests.Server;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Embedding;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests;

/// <summary>The local search server with the real adapter pointed at it (api-key over http unless configured otherwise).</summary>
internal sealed class AzureSearchHarness : IAsyncDisposable
{
    private AzureSearchHarness(SearchServer server, AzureSearchOptions options)
    {
        Server = server;
        Options = options;
        Index = new AzureSearchKnowledgeIndex(options, Catalog, Embeddings);
    }

    public SearchServer Server { get; }
    public AzureSearchOptions Options { get; }
    public InMemoryDatasetCatalog Catalog { get; } = new();
    public HashingEmbeddingModel Embeddings { get; } = new();
    public AzureSearchKnowledgeIndex Index { get; }

    public static async Task<AzureSearchHarness> StartAsync(Action<AzureSearchOptions>? configure = null, bool ensureIndex = true, SearchServer? server = null)
    {
        server ??= await SearchServer.StartAsync();
        var options = Configure(new AzureSearchOptions { Endpoint = server.Endpoint, IndexName = "knowledge", ApiKey = server.ApiKey }, server);
        configure?.Invoke(options);
        var harness = new AzureSearchHarness(server, options);
        if (ensureIndex) await harness.Index.EnsureIndexAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Trust the server's self-signed certificate; fast SDK retries, so retry tests take milliseconds.</summary>
    public static AzureSearchOptions Configure(AzureSearchOptions options, SearchServer server)
    {
        options.ClientOptions.Transport = server.Transport();
        options.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.ClientOptions.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        options.ClientOptions.Retry.MaxRetries = 3;
        return options;
    }

    public void AddDataset(string id, DatasetRetrievalSettings? retrieval = null, IndexingTechnique technique = IndexingTechnique.HighQuality) =>
        Catalog.Save(new DatasetRecord(id, $"Dataset {id}", $"About {id}", technique, HashingEmbeddingModel.ProviderName, HashingEmbeddingModel.ModelName, retrieval));

    /// <summary>Indexes a document's chunks as the pipeline would: segment ids "{doc}:{n}", vectors from the embedder.</summary>
    public async Task AddDocumentAsync(string datasetId, string documentId, IReadOnlyList<string> chunks, JsonObject? metadata = null)
    {
        var vectors = await EmbedAsync(chunks);
        var indexed = chunks.Select((c, i) => new IndexedChunk(datasetId, documentId, documentId + ".txt", $"{documentId}:{i + 1}", i + 1, c, vectors[i], DocMetadata: metadata)).ToList();
        await Index.UpsertAsync(indexed, CancellationToken.None);
    }

    /// <summary>A parent-child document: parents stored unsearched, children searched with their parent's segment id.</summary>
    public async Task AddParentChildDocumentAsync(string datasetId, string documentId, IReadOnlyList<(string Parent, string[] Children)> parents)
    {
        var chunks = new List<IndexedChunk>();
        for (var p = 0; p < parents.Count; p++)
        {
            var parentId = $"{documentId}:{p + 1}";
            chunks.Add(new IndexedChunk(datasetId, documentId, documentId + ".txt", parentId, p + 1, parents[p].Parent, null, IndexedChunkKind.Parent));
            var vectors = await EmbedAsync(parents[p].Children);
            chunks.AddRange(parents[p].Children.Select((c, i) =>
                new IndexedChunk(datasetId, documentId, documentId + ".txt", $"{parentId}:{i + 1}", p + 1, c, vectors[i], IndexedChunkKind.Child, parentId, i + 1)));
        }
        await Index.UpsertAsync(chunks, CancellationToken.None);
    }

    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts) =>
        (await Embeddings.EmbedAsync(HashingEmbeddingModel.ProviderName, HashingEmbeddingModel.ModelName, texts, CancellationToken.None)).Vectors;

    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string query, SearchMethod method, int topK = 10, params string[] datasets) =>
        Index.RetrieveAsync(new KnowledgeQuery(datasets.Length > 0 ? datasets : ["a"], query, topK, method), CancellationToken.None);

    public IReadOnlyList<JsonObject> SearchBodies() =>
        Server.RequestsTo("/docs/search.post.search").Select(r => (JsonObject)r.Body!).ToList();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
