using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Models.Embeddings;

namespace Dify.Workflows.Knowledge;

/// <summary>
/// An in-process index: datasets → documents → chunks added in code. Full-text scoring is BM25-based
/// (<see cref="KeywordScorer"/>); semantic scoring is cosine similarity of embeddings from the given
/// <see cref="IEmbeddingModel"/> (chunks are embedded on first use and cached); hybrid and weighted_score
/// combine both. Thread-safe.
/// </summary>
public sealed class InMemoryKnowledgeIndex : IKnowledgeRetriever
{
    private readonly IEmbeddingModel? _embeddings;
    private readonly string _embeddingProvider;
    private readonly string _embeddingModel;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dataset> _datasets = new(StringComparer.Ordinal);

    /// <param name="embeddings">Needed for semantic and hybrid search; null → only full-text and keyword search work.</param>
    /// <param name="embeddingProvider">The provider the embeddings are asked of (a DSL provider name).</param>
    /// <param name="embeddingModel">The embedding model name.</param>
    public InMemoryKnowledgeIndex(IEmbeddingModel? embeddings = null, string embeddingProvider = "openai", string embeddingModel = "text-embedding-3-small")
    {
        _embeddings = embeddings;
        _embeddingProvider = embeddingProvider;
        _embeddingModel = embeddingModel;
    }

    public void AddDataset(string id, string name, string? description = null, DatasetRetrievalSettings? retrieval = null)
    {
        lock (_gate) _datasets[id] = new Dataset(new DatasetInfo(id, name, description, retrieval ?? DatasetRetrievalSettings.Default));
    }

    /// <summary>Adds a document whose chunks are the given texts (segment positions from 1, ids "{documentId}-{position}").</summary>
    public void AddDocument(string datasetId, string documentId, string name, IEnumerable<string> chunks, JsonObject? metadata = null)
    {
        var segments = chunks.Select((c, i) => new Segment($"{documentId}-{i + 1}", i + 1, c, Hash(c))).ToList();
        lock (_gate)
        {
            if (!_datasets.TryGetValue(datasetId, out var dataset)) throw new KnowledgeRetrievalException($"Dataset '{datasetId}' does not exist.");
            dataset.Documents.RemoveAll(d => d.Id == documentId);
            dataset.Documents.Add(new Document(documentId, name, (JsonObject?)metadata?.DeepClone(), segments));
        }
    }

    public Task<IReadOnlyList<DatasetInfo>> GetDatasetsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Like Dify, a dataset with nothing indexed in it is not offered.
            IReadOnlyList<DatasetInfo> found = datasetIds.Distinct()
                .Select(id => _datasets.GetValueOrDefault(id))
                .Where(d => d is not null && d.Documents.Any(doc => doc.Segments.Count > 0))
                .Select(d => d!.Info).ToList();
            return Task.FromResult(found);
        }
    }

    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var weighted = query.Reranking is { Mode: RerankingMode.WeightedScore, Weights: { } w } ? w : null;
        var searches = Snapshot(query)
            .Where(s => s.Hits.Count > 0)
            .Select(s => (s.Hits, Method: query.SearchMethod ?? s.Dataset.Info.Retrieval.SearchMethod, Weights: s.Dataset.Info.Retrieval.Weights ?? RetrievalWeights.SemanticFirst))
            .ToList();

        // One embeddings call per search: the query plus every chunk not embedded yet.
        var needsVectors = searches.Any(s => s.Method is SearchMethod.Semantic or SearchMethod.Hybrid) || weighted is { VectorWeight: > 0 };
        var queryVector = needsVectors ? await EmbedAsync(query.Query, searches.SelectMany(s => s.Hits).ToList(), cancellationToken).ConfigureAwait(false) : null;

        var candidates = new List<Candidate>();
        foreach (var (hits, method, weights) in searches)
        {
            var (vectorWeight, keywordWeight) = method switch
            {
                SearchMethod.Semantic => (1.0, 0.0),
                SearchMethod.Hybrid => (weights.VectorWeight, weights.KeywordWeight),
                _ => (0.0, 1.0),
            };
            // Each dataset contributes its own best top_k before the merge (Dify's multiple retrieval).
            candidates.AddRange(Score(query.Query, queryVector, hits, vectorWeight, keywordWeight)
                .Where(c => c.Score > 0).OrderByDescending(c => c.Score).Take(query.TopK));
        }

        if (weighted is not null && candidates.Count > 0)
            candidates = Score(query.Query, queryVector, candidates.Select(c => c.Hit).ToList(), weighted.VectorWeight, weighted.KeywordWeight);

        return candidates
            .Where(c => query.ScoreThreshold is not { } t || c.Score >= t)
            .OrderByDescending(c => c.Score)
            .ThenBy(c => c.Hit.Document.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Hit.Segment.Position)
            .Take(Math.Max(0, query.TopK))
            .Select(c => c.ToChunk())
            .ToList();
    }

    private List<(Dataset Dataset, List<Hit> Hits)> Snapshot(KnowledgeQuery query)
    {
        lock (_gate)
        {
            var result = new List<(Dataset, List<Hit>)>();
            foreach (var id in query.DatasetIds.Distinct())
            {
                if (!_datasets.TryGetValue(id, out var dataset)) continue;
                var hits = dataset.Documents
                    .Where(d => MetadataFilterEvaluator.Matches(d.Metadata, query.MetadataFilter))
                    .SelectMany(d => d.Segments.Select(s => new Hit(dataset.Info, d, s)))
                    .ToList();
                result.Add((dataset, hits));
            }
            return result;
        }
    }

    /// <summary>vector_weight·cosine + keyword_weight·keyword score; keyword scores are relative to <paramref name="hits"/>.</summary>
    private static List<Candidate> Score(string query, float[]? queryVector, IReadOnlyList<Hit> hits, double vectorWeight, double keywordWeight)
    {
        var keyword = keywordWeight > 0 ? KeywordScorer.Score(query, hits.Select(h => h.Segment.Content).ToList()) : new double[hits.Count];
        return hits.Select((h, i) =>
        {
            // Cosine in 0..1 (negative similarity counts as no match), as Dify reports vector scores.
            var semantic = vectorWeight > 0 && queryVector is not null ? Math.Max(0, Cosine(queryVector, h.Segment.Vector!)) : 0;
            return new Candidate(h, vectorWeight * semantic + keywordWeight * keyword[i]);
        }).ToList();
    }

    /// <summary>Embeds the query and caches vectors for chunks that have none; returns the query's vector.</summary>
    private async Task<float[]> EmbedAsync(string query, IReadOnlyList<Hit> hits, CancellationToken ct)
    {
        if (_embeddings is null)
            throw new KnowledgeRetrievalException("Semantic search needs an embedding model, and this knowledge index has none.");
        var missing = hits.Select(h => h.Segment).Where(s => s.Vector is null).Distinct().ToList();
        var inputs = new List<string>(missing.Count + 1) { query };
        inputs.AddRange(missing.Select(s => s.Content));
        var result = await _embeddings.EmbedAsync(_embeddingProvider, _embeddingModel, inputs, ct).ConfigureAwait(false);
        if (result.Vectors.Count != inputs.Count)
            throw new KnowledgeRetrievalException($"The embedding model returned {result.Vectors.Count} vectors for {inputs.Count} inputs.");
        lock (_gate)
        {
            for (var i = 0; i < missing.Count; i++) missing[i].Vector ??= result.Vectors[i + 1];
        }
        return result.Vectors[0];
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private sealed class Dataset(DatasetInfo info)
    {
        public DatasetInfo Info { get; } = info;
        public List<Document> Documents { get; } = [];
    }

    private sealed record Document(string Id, string Name, JsonObject? Metadata, List<Segment> Segments);

    private sealed class Segment(string id, int position, string content, string hash)
    {
        public string Id { get; } = id;
        public int Position { get; } = position;
        public string Content { get; } = content;
        public string Hash { get; } = hash;
        /// <summary>Set once, under the index lock, when first embedded.</summary>
        public float[]? Vector { get; set; }
    }

    private sealed record Hit(DatasetInfo Dataset, Document Document, Segment Segment);

    private sealed record Candidate(Hit Hit, double Score)
    {
        public RetrievedChunk ToChunk() => new(
            Hit.Segment.Content, Math.Round(Score, 6), Hit.Dataset.Id, Hit.Dataset.Name, Hit.Document.Id, Hit.Document.Name,
            Hit.Segment.Id, Hit.Segment.Position, (JsonObject?)Hit.Document.Metadata?.DeepClone(),
            Title: Hit.Document.Name, WordCount: Hit.Segment.Content.Length, IndexNodeHash: Hit.Segment.Hash);
    }
}
