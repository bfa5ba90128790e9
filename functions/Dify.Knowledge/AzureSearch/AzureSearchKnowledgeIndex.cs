using System.Numerics.Tensors;
using Azure;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using Dify.Knowledge.Datasets;
using Dify.Models.Embeddings;
using Dify.Workflows.Knowledge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Knowledge.AzureSearch;

/// <summary>
/// The knowledge port over Azure AI Search (Azure.Search.Documents 11.5.1, API 2023-11-01). One index holds every
/// dataset's chunks (<see cref="AzureSearchSchema"/>); dataset settings come from an <see cref="IDatasetCatalog"/>.
/// Searches run per dataset, like Dify's multiple retrieval: semantic_search is a vector query (score: cosine),
/// full_text_search a BM25 query (scaled to 0..1 like the embedded index), hybrid_search one request with both, fused
/// by the service's reciprocal rank fusion (scaled so first in both lists is 1) or reranked by the semantic ranker
/// (rerankerScore / 4). Dataset and metadata filters run in the service where OData can say them, the rest after.
/// Parent-child documents return the parent, scored by its best child, with the matched children. Also the
/// pipeline's <see cref="IKnowledgeIndexWriter"/>. Thread-safe.
/// </summary>
public sealed partial class AzureSearchKnowledgeIndex : IKnowledgeRetriever, IKnowledgeIndexWriter
{
    private readonly AzureSearchOptions _options;
    private readonly IDatasetCatalog _datasets;
    private readonly IEmbeddingModel? _embeddings;
    private readonly ILogger _logger;
    private readonly SearchIndexClient _indexes;
    private readonly SearchClient _search;

    /// <param name="embeddings">Embeds queries for semantic and hybrid search (the datasets' providers); null → full-text only.</param>
    public AzureSearchKnowledgeIndex(AzureSearchOptions options, IDatasetCatalog datasets, IEmbeddingModel? embeddings, ILogger<AzureSearchKnowledgeIndex>? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _datasets = datasets ?? throw new ArgumentNullException(nameof(datasets));
        options.Validate();
        _embeddings = embeddings;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _indexes = options.ApiKey is { } key
            ? new SearchIndexClient(options.Endpoint!, new AzureKeyCredential(key), options.ClientOptions)
            : new SearchIndexClient(options.Endpoint!, options.Credential!, options.ClientOptions);
        _search = _indexes.GetSearchClient(options.IndexName);
    }

    public string IndexName => _options.IndexName;

    /// <summary>Creates the index, or updates it to this schema (call at startup; adding fields is allowed in place).</summary>
    public async Task EnsureIndexAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _indexes.CreateOrUpdateIndexAsync(AzureSearchSchema.Build(_options), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw AzureSearchErrors.Index(IndexName, "create or update the index", e);
        }
        AzureSearchLog.IndexReady(_logger, IndexName, _options.VectorDimensions);
    }

    public async Task<IReadOnlyList<DatasetInfo>> GetDatasetsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datasetIds);
        var result = new List<DatasetInfo>();
        foreach (var id in datasetIds.Distinct(StringComparer.Ordinal))
        {
            var record = await _datasets.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null) continue;
            // Like Dify: a dataset with nothing searchable indexed is not offered.
            var any = await QueryAsync(null, new SearchOptions { Filter = ODataFilter.Searchable(id), Size = 1 }, cancellationToken).ConfigureAwait(false);
            if (any.Count > 0) result.Add(record.ToInfo());
        }
        return result;
    }

    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(KnowledgeQuery query, CancellationToken cancellationToken) =>
        (await SearchAsync(query, cancellationToken).ConfigureAwait(false)).Select(h => h.Chunk).ToList();

    /// <summary>Runs a search; failures become <see cref="KnowledgeRetrievalException"/> naming the index and the status.</summary>
    private async Task<List<(AzureSearchChunk Doc, double Score, double? Reranker)>> QueryAsync(string? text, SearchOptions options, CancellationToken ct)
    {
        foreach (var field in AzureSearchSchema.ResultFields) options.Select.Add(field);
        var size = options.Size ?? 50;
        var found = new List<(AzureSearchChunk, double, double?)>();
        try
        {
            var response = await _search.SearchAsync<AzureSearchChunk>(text, options, ct).ConfigureAwait(false);
            await foreach (var r in response.Value.GetResultsAsync().ConfigureAwait(false))
            {
                found.Add((r.Document, r.Score ?? 0, r.SemanticSearch?.RerankerScore));
                if (found.Count >= size) break;
            }
        }
        catch (RequestFailedException e)
        {
            var message = AzureSearchErrors.Describe(IndexName, "search", e);
            AzureSearchLog.SearchFailed(_logger, IndexName, message);
            throw new KnowledgeRetrievalException(message, e);
        }
        return found;
    }

    /// <summary>The query's vector for each embedding model the datasets use, normalised.</summary>
    private Task<Dictionary<string, float[]>> EmbedQueryAsync(string query, IEnumerable<DatasetRecord> datasets, CancellationToken ct) =>
        Embedding.QueryEmbeddings.EmbedAsync(_embeddings, query, datasets, _options.VectorDimensions, IndexName, ct);
}
