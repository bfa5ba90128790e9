using System.Text.Json.Nodes;
using Azure.Search.Documents;
using Azure.Search.Documents.Models;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch;

public sealed partial class AzureSearchKnowledgeIndex
{
    /// <summary>Like <see cref="RetrieveAsync"/>, with the matched child chunks of parent-child hits.</summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rerank = query.Reranking is { Mode: RerankingMode.WeightedScore, Weights: { } w } ? w : null;
        var plans = new List<SearchPlan>();
        foreach (var id in query.DatasetIds.Distinct(StringComparer.Ordinal))
        {
            var record = await _datasets.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null) continue;
            var method = query.SearchMethod ?? record.RetrievalSettings.SearchMethod;
            if (!record.HasVectors || method == SearchMethod.Keyword) method = SearchMethod.FullText; // economy: keyword index only
            plans.Add(new SearchPlan(record, method));
        }
        if (plans.Count == 0 || string.IsNullOrWhiteSpace(query.Query) || query.TopK <= 0) return [];

        var vectors = await EmbedQueryAsync(query.Query, plans.Where(p => p.NeedsVector(rerank)).Select(p => p.Dataset), cancellationToken).ConfigureAwait(false);
        var terms = FullTextQuery.Terms(query.Query);
        var metadata = ODataFilter.Plan(query.MetadataFilter);
        var n = Math.Max(query.TopK * _options.CandidateFactor, _options.MinCandidates) * (metadata.Residual is null ? 1 : _options.PostFilterFactor);
        var lists = await Task.WhenAll(plans.Select(async plan =>
        {
            var vector = vectors.GetValueOrDefault(plan.Dataset.EmbeddingKey);
            var candidates = await CandidatesAsync(plan, vector, terms, metadata, rerank, n, cancellationToken).ConfigureAwait(false);
            return GroupByParent(candidates).Where(c => c.Score > 0).OrderByDescending(c => c.Score).Take(query.TopK).ToList();
        })).ConfigureAwait(false);
        var found = lists.SelectMany(l => l).ToList();

        if (rerank is not null)
            foreach (var c in found) c.Score = rerank.VectorWeight * c.Semantic + rerank.KeywordWeight * c.Keyword;

        var chosen = found
            .Where(c => query.ScoreThreshold is not { } t || c.Score >= t)
            .OrderByDescending(c => c.Score).ThenBy(c => c.Dataset.Id, StringComparer.Ordinal)
            .ThenBy(c => c.DocumentId, StringComparer.Ordinal).ThenBy(c => c.Position).ThenBy(c => c.ChildPosition)
            .Take(query.TopK)
            .ToList();
        return await MaterializeAsync(chosen, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<Candidate>> CandidatesAsync(
        SearchPlan plan, float[]? vector, IReadOnlyList<string> terms, MetadataPlan metadata, RetrievalWeights? rerank, int n, CancellationToken ct)
    {
        var filter = ODataFilter.And(ODataFilter.Searchable(plan.Dataset.Id), metadata.OData);
        var text = terms.Count > 0 ? string.Join(' ', terms) : null;
        List<Candidate> candidates;
        if (plan.Method == SearchMethod.Hybrid && rerank is null && vector is not null && text is not null)
        {
            // One request; the service fuses its BM25 and vector lists (RRF) or reranks them semantically.
            var options = VectorOptions(filter, vector, n);
            if (_options.UseSemanticRanker)
            {
                options.QueryType = SearchQueryType.Semantic;
                options.SemanticSearch = new SemanticSearchOptions { SemanticConfigurationName = _options.SemanticConfigurationName, ErrorMode = SemanticErrorMode.Partial };
            }
            var top = 2.0 / (_options.ReciprocalRankK + 1);
            candidates = (await QueryAsync(text, options, ct).ConfigureAwait(false))
                .Select(r => new Candidate(plan.Dataset, r.Doc) { Score = r.Reranker is { } rr ? rr / 4 : Math.Min(1, r.Score / top) })
                .ToList();
        }
        else
        {
            candidates = await ListsAsync(plan, vector, terms, text, filter, rerank, n, ct).ConfigureAwait(false);
        }
        return metadata.Residual is { } residual
            ? candidates.Where(c => MetadataFilterEvaluator.Matches(c.Metadata, residual)).ToList()
            : candidates;
    }

    /// <summary>Separate vector and BM25 lists, merged here: semantic and full-text search, and anything weighted reranking needs both scores of.</summary>
    private async Task<List<Candidate>> ListsAsync(
        SearchPlan plan, float[]? vector, IReadOnlyList<string> terms, string? text, string filter, RetrievalWeights? rerank, int n, CancellationToken ct)
    {
        var byKey = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var useVector = vector is not null && (plan.Method is SearchMethod.Semantic or SearchMethod.Hybrid || rerank is { VectorWeight: > 0 });
        var useKeyword = text is not null && (plan.Method is not SearchMethod.Semantic || rerank is { KeywordWeight: > 0 });
        if (useVector)
        {
            var rank = 0;
            foreach (var (doc, score, _) in await QueryAsync(null, VectorOptions(filter, vector!, n), ct).ConfigureAwait(false))
                byKey[doc.Id] = new Candidate(plan.Dataset, doc) { Semantic = AzureSearchScores.Cosine(score), VectorRank = ++rank };
        }
        if (useKeyword)
        {
            var hits = await QueryAsync(text, TextOptions(filter, n), ct).ConfigureAwait(false);
            var best = hits.Count > 0 ? hits.Max(h => h.Score) : 0;
            var rank = 0;
            var missing = new List<Candidate>();
            foreach (var (doc, score, _) in hits)
            {
                if (!byKey.TryGetValue(doc.Id, out var c))
                {
                    byKey[doc.Id] = c = new Candidate(plan.Dataset, doc);
                    missing.Add(c);
                }
                c.KeywordRank = ++rank;
                c.Keyword = best <= 0 ? 0 : score / best * FullTextQuery.Coverage(terms, doc.Content ?? "");
            }
            // Like the embedded index, a keyword hit carries its cosine too (one exhaustive vector query over those ids).
            if (vector is not null && missing.Count > 0 && (plan.Method == SearchMethod.Hybrid || rerank is { VectorWeight: > 0 }))
                await SimilaritiesAsync(missing, vector, ct).ConfigureAwait(false);
        }

        var weights = plan.Dataset.RetrievalSettings.Weights ?? RetrievalWeights.SemanticFirst;
        foreach (var c in byKey.Values)
        {
            c.Score = plan.Method switch
            {
                SearchMethod.Semantic => c.Semantic,
                SearchMethod.Hybrid when vector is null => c.Keyword,
                SearchMethod.Hybrid when text is null => c.Semantic,
                SearchMethod.Hybrid => AzureSearchScores.Fuse(c.VectorRank, c.KeywordRank, _options.ReciprocalRankK),
                _ => c.Keyword,
            };
        }
        return [.. byKey.Values];
    }

    private async Task SimilaritiesAsync(List<Candidate> candidates, float[] vector, CancellationToken ct)
    {
        var options = VectorOptions(ODataFilter.In(AzureSearchSchema.Id, candidates.Select(c => c.Key).ToList()), vector, candidates.Count);
        options.VectorSearch.Queries[0].Exhaustive = true;
        var scores = (await QueryAsync(null, options, ct).ConfigureAwait(false)).ToDictionary(r => r.Doc.Id, r => r.Score, StringComparer.Ordinal);
        foreach (var c in candidates)
            if (scores.TryGetValue(c.Key, out var s)) c.Semantic = AzureSearchScores.Cosine(s);
    }

    private static SearchOptions VectorOptions(string filter, float[] vector, int n) => new()
    {
        Filter = filter,
        Size = n,
        VectorSearch = new VectorSearchOptions
        {
            Queries = { new VectorizedQuery(vector) { KNearestNeighborsCount = n, Fields = { AzureSearchSchema.ContentVector } } },
            FilterMode = VectorFilterMode.PreFilter,
        },
    };

    private static SearchOptions TextOptions(string filter, int n)
    {
        var options = new SearchOptions { Filter = filter, Size = n, QueryType = SearchQueryType.Simple, SearchMode = SearchMode.Any };
        options.SearchFields.Add(AzureSearchSchema.Content);
        return options;
    }

    /// <summary>Children become their parent: scored by the best child, carrying every matched child.</summary>
    private static IEnumerable<Candidate> GroupByParent(List<Candidate> candidates)
    {
        var parents = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var c in candidates.OrderByDescending(c => c.Score))
        {
            if (c.Doc is not { Kind: "child", ParentId: { } parentSegment })
            {
                yield return c;
                continue;
            }
            var key = AzureSearchSchema.Key(c.Dataset.Id, parentSegment);
            if (!parents.TryGetValue(key, out var parent))
            {
                parent = new Candidate(c.Dataset, key, c.DocumentId, c.Position) { Score = c.Score, Semantic = c.Semantic, Keyword = c.Keyword };
                parents[key] = parent;
            }
            if (c.Score > 0) parent.Children.Add((c.Doc!, c.Score));
        }
        foreach (var p in parents.Values) yield return p;
    }

    /// <summary>Fetches the parents of parent-child hits (one request), then maps to what the embedded index returns.</summary>
    private async Task<IReadOnlyList<KnowledgeHit>> MaterializeAsync(List<Candidate> chosen, CancellationToken ct)
    {
        var missing = chosen.Where(c => c.Doc is null).Select(c => c.Key).Distinct().ToList();
        var parents = new Dictionary<string, AzureSearchChunk>(StringComparer.Ordinal);
        if (missing.Count > 0)
        {
            var options = new SearchOptions { Filter = ODataFilter.In(AzureSearchSchema.Id, missing), Size = missing.Count };
            foreach (var (doc, _, _) in await QueryAsync(null, options, ct).ConfigureAwait(false)) parents[doc.Id] = doc;
        }

        var hits = new List<KnowledgeHit>(chosen.Count);
        foreach (var c in chosen)
        {
            var doc = c.Doc ?? parents.GetValueOrDefault(c.Key);
            if (doc is null) continue; // removed while searching
            var content = doc.Content ?? "";
            var chunk = new RetrievedChunk(
                content, Math.Round(c.Score, 6), c.Dataset.Id, c.Dataset.Name, doc.DocumentId ?? "", doc.DocumentName ?? "", doc.SegmentId ?? "",
                doc.Position, AzureSearchScores.Metadata(doc.DocMetadata), Title: doc.DocumentName, WordCount: content.Length,
                IndexNodeHash: AzureSearchScores.Hash(content));
            var children = c.Children
                .Select(x => new ChildChunkHit(x.Doc.SegmentId ?? "", x.Doc.Content ?? "", x.Doc.ChildPosition, Math.Round(x.Score, 6)))
                .ToList();
            hits.Add(new KnowledgeHit(chunk, children));
        }
        return hits;
    }

    private sealed record SearchPlan(DatasetRecord Dataset, SearchMethod Method)
    {
        public bool NeedsVector(RetrievalWeights? rerank) =>
            Dataset.HasVectors && (Method is SearchMethod.Semantic or SearchMethod.Hybrid || rerank is { VectorWeight: > 0 });
    }

    private sealed class Candidate
    {
        public Candidate(DatasetRecord dataset, AzureSearchChunk doc)
            : this(dataset, doc.Id, doc.DocumentId ?? "", doc.Position) => Doc = doc;

        /// <summary>A parent known only by key until it is fetched.</summary>
        public Candidate(DatasetRecord dataset, string key, string documentId, int position)
        {
            Dataset = dataset;
            Key = key;
            DocumentId = documentId;
            Position = position;
        }

        public DatasetRecord Dataset { get; }
        public string Key { get; }
        public string DocumentId { get; }
        public int Position { get; }
        public int ChildPosition => Doc?.ChildPosition ?? 0;
        public AzureSearchChunk? Doc { get; }
        public JsonObject? Metadata => AzureSearchScores.Metadata(Doc?.DocMetadata);
        public double Semantic { get; set; }
        public double Keyword { get; set; }
        public double Score { get; set; }
        public int VectorRank { get; set; }
        public int KeywordRank { get; set; }
        public List<(AzureSearchChunk Doc, double Score)> Children { get; } = [];
    }
}
