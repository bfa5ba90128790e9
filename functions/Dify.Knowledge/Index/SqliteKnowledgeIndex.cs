using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Dify.Models.Embeddings;
using Dify.Workflows.Knowledge;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Knowledge.Index;

/// <summary>
/// The embedded knowledge index over the knowledge file: semantic search by SIMD cosine over an in-memory vector view
/// per dataset (loaded on first use, kept current by ingestion) rescored exactly from the vector files, full-text
/// search by an in-memory BM25 index that ranks like SQLite FTS5's bm25 (scaled to 0..1 by the best hit and by the share
/// of query words a chunk contains), hybrid search by weighted score or reciprocal rank
/// fusion, Dify's metadata filters, and parent-child results (the parent, scored by its best child, with the children
/// that matched). Implements the workflow engine's <see cref="IKnowledgeRetriever"/> port. Thread-safe.
/// </summary>
public sealed class SqliteKnowledgeIndex : IKnowledgeRetriever
{
    private readonly KnowledgeDatabase _database;
    private readonly IEmbeddingModel? _embeddings;
    private readonly KnowledgeIndexOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DatasetView> _views = new(StringComparer.Ordinal);

    /// <summary>How many times the candidates needed the int8 scan fetches for exact rescoring.</summary>
    private const int RescoreFactor = 2;

    /// <param name="embeddings">Embeds queries for semantic and hybrid search (route the datasets' providers, e.g. <see cref="Embedding.EmbeddingRouter"/>); null → full-text only.</param>
    public SqliteKnowledgeIndex(KnowledgeDatabase database, IEmbeddingModel? embeddings, KnowledgeIndexOptions? options = null, ILogger<SqliteKnowledgeIndex>? logger = null)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        _embeddings = embeddings;
        _options = options ?? new KnowledgeIndexOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Datasets = new DatasetStore(database);
    }

    public DatasetStore Datasets { get; }

    public async Task<IReadOnlyList<DatasetInfo>> GetDatasetsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(datasetIds);
        var result = new List<DatasetInfo>();
        foreach (var id in datasetIds.Distinct(StringComparer.Ordinal))
        {
            var record = await Datasets.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null) continue;
            var view = await ViewAsync(record, cancellationToken).ConfigureAwait(false);
            // Like Dify: a dataset with no completed, enabled document is not offered.
            if (view.Vectors.AnySearchable()) result.Add(record.ToInfo());
        }
        return result;
    }

    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(KnowledgeQuery query, CancellationToken cancellationToken) =>
        (await SearchAsync(query, cancellationToken).ConfigureAwait(false)).Select(h => h.Chunk).ToList();

    /// <summary>+1 hit_count for each returned segment.</summary>
    public Task RecordHitsAsync(IReadOnlyList<RetrievedChunk> chunks, CancellationToken cancellationToken) =>
        SegmentHits.IncrementAsync(_database, chunks.Select(c => (c.DatasetId, c.DocumentId, c.SegmentId)), cancellationToken);

    /// <summary>Like <see cref="RetrieveAsync"/>, with the matched child chunks of parent-child hits.</summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rerank = query.Reranking is { Mode: RerankingMode.WeightedScore, Weights: { } w } ? w : null;
        var plans = new List<SearchPlan>();
        foreach (var id in query.DatasetIds.Distinct(StringComparer.Ordinal))
        {
            var record = await Datasets.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is null) continue;
            var method = query.SearchMethod ?? record.RetrievalSettings.SearchMethod;
            if (!record.HasVectors) method = SearchMethod.FullText; // economy datasets only have the keyword index
            var view = await ViewAsync(record, cancellationToken).ConfigureAwait(false);
            plans.Add(new SearchPlan(record, method, view));
        }
        if (plans.Count == 0 || string.IsNullOrWhiteSpace(query.Query)) return [];

        var vectors = await EmbedQueryAsync(query.Query, plans.Where(p => p.NeedsVector(rerank)).Select(p => p.Dataset).ToList(), cancellationToken).ConfigureAwait(false);
        var terms = Keywords.KeywordQuery.Terms(query.Query);
        var found = new List<Candidate>();
        var n = Math.Max(query.TopK * _options.CandidateFactor, _options.MinCandidates);
        foreach (var plan in plans)
        {
            var queryVector = vectors.GetValueOrDefault(plan.Dataset.EmbeddingKey);
            var candidates = await CandidatesAsync(plan, query, queryVector, terms, rerank, n, cancellationToken).ConfigureAwait(false);
            found.AddRange(GroupByParent(candidates).Where(c => c.Score > 0).OrderByDescending(c => c.Score).Take(query.TopK));
        }

        if (rerank is not null)
            foreach (var c in found) c.Score = rerank.VectorWeight * c.Semantic + rerank.KeywordWeight * c.Keyword;

        var chosen = found
            .Where(c => query.ScoreThreshold is not { } t || c.Score >= t)
            .OrderByDescending(c => c.Score).ThenBy(c => c.Id)
            .Take(Math.Max(0, query.TopK))
            .ToList();
        return await MaterializeAsync(chosen, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<Candidate>> CandidatesAsync(
        SearchPlan plan, KnowledgeQuery query, float[]? queryVector, IReadOnlyList<string> terms, RetrievalWeights? rerank, int n, CancellationToken ct)
    {
        var view = plan.View;
        var allowed = view.Vectors.AllowedDocuments(query.MetadataFilter);
        var byId = new Dictionary<long, Candidate>();
        var useVector = plan.Method is SearchMethod.Semantic or SearchMethod.Hybrid || rerank is { VectorWeight: > 0 };
        var useKeyword = (plan.Method is not SearchMethod.Semantic || rerank is { KeywordWeight: > 0 }) && terms.Count > 0;

        // Hybrid: BM25 runs on another thread while this one scans the vectors.
        var scan = useVector && queryVector is not null;
        var fullText = useKeyword
            ? scan ? Task.Run(() => view.Keywords.Search(terms, id => view.Vectors.TryGet(id, allowed, out _, out _, out _), n), ct)
                   : Task.FromResult(view.Keywords.Search(terms, id => view.Vectors.TryGet(id, allowed, out _, out _, out _), n))
            : null;
        try
        {
            // The int8 scan over-fetches; the exact scores below choose the n that count.
            foreach (var (id, score) in scan ? view.Vectors.Nearest(queryVector!, allowed, n * RescoreFactor) : [])
            {
                if (!view.Vectors.TryGet(id, allowed, out var doc, out var parent, out var ordinal)) continue;
                byId[id] = new Candidate(plan.Dataset, id, doc, parent, ordinal) { Semantic = Math.Max(0, score), VectorRank = -1 };
            }
        }
        catch when (fullText is not null)
        {
            await fullText.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false); // leave nothing running
            throw;
        }
        IReadOnlyList<Keywords.KeywordHit> hits = [];
        if (fullText is not null)
        {
            hits = await fullText.ConfigureAwait(false);
            foreach (var hit in hits)
                if (!byId.ContainsKey(hit.Id) && view.Vectors.TryGet(hit.Id, allowed, out var doc, out var parent, out var ordinal))
                    byId[hit.Id] = new Candidate(plan.Dataset, hit.Id, doc, parent, ordinal);
        }
        if (byId.Count == 0) return [];

        if (queryVector is not null) Rescore(view.VectorFile, byId.Values, queryVector);

        var vectorRank = 0;
        foreach (var c in byId.Values.Where(c => c.VectorRank < 0).OrderByDescending(c => c.Semantic).ThenBy(c => c.Id).ToList())
            c.VectorRank = vectorRank < n ? ++vectorRank : 0;
        var best = hits.Count > 0 ? hits.Max(h => h.Score) : 0;
        var keywordRank = 0;
        foreach (var hit in hits)
        {
            if (!byId.TryGetValue(hit.Id, out var c)) continue; // its document left between the search and now
            c.KeywordRank = ++keywordRank;
            c.Keyword = best <= 0 ? 0 : hit.Score / best * hit.MatchedTerms / terms.Count;
        }
        // Over-fetched vector candidates that made neither list are dropped, as if never fetched.
        foreach (var c in byId.Values.Where(c => c.VectorRank == 0 && c.KeywordRank == 0).ToList()) byId.Remove(c.Id);

        var weights = plan.Dataset.RetrievalSettings.Weights ?? RetrievalWeights.SemanticFirst;
        foreach (var c in byId.Values)
        {
            c.Score = plan.Method switch
            {
                SearchMethod.Semantic => c.Semantic,
                SearchMethod.Hybrid when _options.HybridFusion == HybridFusion.ReciprocalRank => Fuse(c),
                SearchMethod.Hybrid => weights.VectorWeight * c.Semantic + weights.KeywordWeight * c.Keyword,
                _ => c.Keyword,
            };
        }
        return [.. byId.Values];
    }

    /// <summary>Exact cosine of every candidate with a stored vector, read from the model's file in one sorted pass.</summary>
    private static void Rescore(VectorSet? file, IEnumerable<Candidate> candidates, float[] queryVector)
    {
        var withVector = candidates.Where(c => c.VectorOrdinal >= 0).ToList();
        foreach (var c in candidates) if (c.VectorOrdinal < 0) c.Semantic = 0;
        if (withVector.Count == 0) return;
        if (file is null || file.Dimensions != queryVector.Length)
        {
            foreach (var c in withVector) c.Semantic = 0;
            return;
        }
        var ordinals = withVector.Select(c => c.VectorOrdinal).ToArray();
        var rows = System.Buffers.ArrayPool<float>.Shared.Rent(ordinals.Length * file.Dimensions);
        try
        {
            file.ReadMany(ordinals, rows.AsSpan(0, ordinals.Length * file.Dimensions));
            for (var i = 0; i < withVector.Count; i++)
                withVector[i].Semantic = Math.Max(0, Cosine(rows.AsSpan(i * file.Dimensions, file.Dimensions), queryVector));
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rows);
        }
    }

    private double Fuse(Candidate c)
    {
        double k = _options.ReciprocalRankK;
        var sum = (c.VectorRank > 0 ? 1 / (k + c.VectorRank) : 0) + (c.KeywordRank > 0 ? 1 / (k + c.KeywordRank) : 0);
        return sum / (2 / (k + 1));
    }

    /// <summary>Children become their parent: scored by the best child, carrying every matched child.</summary>
    private static IEnumerable<Candidate> GroupByParent(List<Candidate> candidates)
    {
        var parents = new Dictionary<long, Candidate>();
        foreach (var c in candidates.OrderByDescending(c => c.Score))
        {
            if (c.ParentId == 0)
            {
                yield return c;
                continue;
            }
            if (!parents.TryGetValue(c.ParentId, out var parent))
            {
                parent = new Candidate(c.Dataset, c.ParentId, c.DocumentId, 0, -1) { Score = c.Score, Semantic = c.Semantic, Keyword = c.Keyword };
                parents[c.ParentId] = parent;
            }
            if (c.Score > 0) parent.Children.Add((c.Id, c.Score));
        }
        foreach (var p in parents.Values) yield return p;
    }

    /// <summary>Cosine of a stored vector with the unit-length query (0 when the sizes differ or the vector is zero).</summary>
    private static double Cosine(ReadOnlySpan<float> stored, float[] query)
    {
        if (stored.Length != query.Length) return 0;
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(stored);
        return norm > 0 ? System.Numerics.Tensors.TensorPrimitives.Dot<float>(stored, query) / norm : 0;
    }

    private Task<Dictionary<string, float[]>> EmbedQueryAsync(string query, IReadOnlyList<DatasetRecord> datasets, CancellationToken ct) =>
        Embedding.QueryEmbeddings.EmbedAsync(_embeddings, query, datasets, dimensions: null, indexName: null, ct);

    private async Task<IReadOnlyList<KnowledgeHit>> MaterializeAsync(List<Candidate> chosen, CancellationToken ct)
    {
        if (chosen.Count == 0) return [];
        var ids = chosen.Select(c => c.Id).Concat(chosen.SelectMany(c => c.Children.Select(x => x.Id))).Distinct().ToList();
        var rows = new Dictionary<long, ChunkRow>();
        await using (var lease = await _database.ReadAsync(ct).ConfigureAwait(false))
        {
            await using var command = lease.Connection.CreateCommand();
            command.CommandText = $"""
                SELECT c.id, c.segment_id, c.position, c.child_position, c.content, c.content_hash, d.name, d.metadata_json
                FROM chunks c JOIN documents d ON d.dataset_id = c.dataset_id AND d.id = c.document_id
                WHERE c.id IN ({string.Join(',', ids)})
                """;
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows[reader.GetInt64(0)] = new ChunkRow(
                    reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4),
                    Convert.ToHexStringLower((byte[])reader.GetValue(5)), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7));
            }
        }

        var hits = new List<KnowledgeHit>(chosen.Count);
        foreach (var c in chosen)
        {
            if (!rows.TryGetValue(c.Id, out var row)) continue; // deleted while searching
            var metadata = row.MetadataJson is null ? null : JsonNode.Parse(row.MetadataJson) as JsonObject;
            var chunk = new RetrievedChunk(
                row.Content, Math.Round(c.Score, 6), c.Dataset.Id, c.Dataset.Name, c.DocumentId, row.DocumentName, row.SegmentId,
                row.Position, metadata, Title: row.DocumentName, WordCount: row.Content.Length, IndexNodeHash: row.Hash);
            var children = c.Children
                .Where(x => rows.ContainsKey(x.Id))
                .Select(x => new ChildChunkHit(rows[x.Id].SegmentId, rows[x.Id].Content, rows[x.Id].ChildPosition, Math.Round(x.Score, 6)))
                .ToList();
            hits.Add(new KnowledgeHit(chunk, children));
        }
        return hits;
    }

    /// <summary>The dataset's search view, loaded from the file on first use (under the write gate, so no write is missed).</summary>
    private async Task<DatasetView> ViewAsync(DatasetRecord dataset, CancellationToken ct)
    {
        if (_views.TryGetValue(dataset.Id, out var view)) return view;
        await using var lease = await _database.WriteAsync(ct).ConfigureAwait(false);
        if (_views.TryGetValue(dataset.Id, out view)) return view;
        view = await LoadAsync(lease.Connection, dataset, ct).ConfigureAwait(false);
        _views[dataset.Id] = view;
        return view;
    }

    /// <summary>Rows read and vectors fetched per step while loading a view (bounds the memory a load holds).</summary>
    private const int LoadBlock = 4096;

    private async Task<DatasetView> LoadAsync(SqliteConnection connection, DatasetRecord dataset, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var file = dataset.HasVectors ? await _database.Vectors.FindAsync(connection, dataset.EmbeddingKey, ct).ConfigureAwait(false) : null;
        var view = new DatasetView(file);
        await using (var count = connection.CreateCommand())
        {
            // Size the arrays once (the matrix follows at the first vector): doubling would briefly hold up to three times the final size.
            count.CommandText = "SELECT COUNT(*) FROM chunks c WHERE c.dataset_id = $dataset AND c.kind <> 1 AND c.indexed = 1 AND c.enabled = 1";
            count.Parameters.AddWithValue("$dataset", dataset.Id);
            view.Vectors.Reserve((int)(long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!);
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.id, c.document_id, COALESCE(c.parent_id, 0), COALESCE(c.embedding_id, -1), c.content FROM chunks c
                WHERE c.dataset_id = $dataset AND c.kind <> 1 AND c.indexed = 1 AND c.enabled = 1
                ORDER BY c.id
                """;
            command.Parameters.AddWithValue("$dataset", dataset.Id);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            // The keyword index is built on another thread from a bounded feed while this one reads rows and vectors:
            // the two halves of a load take about the same time, and the feed holds at most a few blocks of text.
            var feed = Channel.CreateBounded<(long Id, string Text)>(new BoundedChannelOptions(4 * LoadBlock) { SingleReader = true, SingleWriter = true });
            var keywords = Task.Run(() => view.Keywords.AddRange(feed.Reader.ReadAllAsync(ct).ToBlockingEnumerable(ct)), ct);
            try
            {
                var block = new List<(long Id, string Document, long Parent, long Ordinal)>(LoadBlock);
                var more = true;
                while (more)
                {
                    more = await reader.ReadAsync(ct).ConfigureAwait(false);
                    if (more)
                    {
                        block.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
                        await feed.Writer.WriteAsync((reader.GetInt64(0), reader.GetString(4)), ct).ConfigureAwait(false);
                    }
                    if (block.Count == LoadBlock || (!more && block.Count > 0))
                    {
                        AddVectors(view, block);
                        block.Clear();
                    }
                }
            }
            finally
            {
                feed.Writer.TryComplete();
                await keywords.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false); // never leave the builder running
            }
            await keywords.ConfigureAwait(false); // its failure, if any
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, status, enabled, metadata_json, archived FROM documents WHERE dataset_id = $dataset";
            command.Parameters.AddWithValue("$dataset", dataset.Id);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var searchable = reader.GetString(1) == "completed" && reader.GetInt64(2) != 0 && reader.GetInt64(4) == 0;
                var metadata = reader.IsDBNull(3) ? null : JsonNode.Parse(reader.GetString(3)) as JsonObject;
                view.Vectors.SetDocument(reader.GetString(0), searchable, metadata);
            }
        }
        KnowledgeLog.ViewLoaded(_logger, dataset.Id, view.Vectors.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return view;
    }

    /// <summary>One block of loaded chunks into the vector view, their vectors read from the model's file in one sorted pass.</summary>
    private static void AddVectors(DatasetView view, List<(long Id, string Document, long Parent, long Ordinal)> block)
    {
        var file = view.VectorFile;
        var dims = file?.Dimensions ?? 0;
        var positions = new List<int>(block.Count);
        for (var i = 0; i < block.Count; i++)
            if (file is not null && block[i].Ordinal >= 0 && block[i].Ordinal < file.Count) positions.Add(i);
        // Pooled: a fresh 6 MB block per 4096 rows would land on the large object heap and stay until a full collection.
        var rows = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, positions.Count * dims));
        try
        {
            if (positions.Count > 0) file!.ReadMany(positions.Select(i => block[i].Ordinal).ToArray(), rows.AsSpan(0, positions.Count * dims));
            var next = 0;
            for (var i = 0; i < block.Count; i++)
            {
                var (id, document, parent, ordinal) = block[i];
                var hasVector = next < positions.Count && positions[next] == i;
                var vector = hasVector ? rows.AsSpan(next++ * dims, dims) : [];
                view.Vectors.Add(id, document, parent, vector, hasVector ? ordinal : -1);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rows);
        }
    }

    // Writers call these while holding the write lease, after committing, so a loaded view never misses a change.

    /// <param name="vectorFile">The model's vector file the rows' ordinals point into (null when they have none).</param>
    internal void ApplyIndexed(string datasetId, string documentId, VectorSet? vectorFile, IEnumerable<IndexedRow> rows)
    {
        if (!_views.TryGetValue(datasetId, out var view)) return;
        if (vectorFile is not null) view.VectorFile ??= vectorFile;
        foreach (var row in rows) view.Add(row, documentId);
    }

    internal void ApplyDocument(string datasetId, string documentId, bool searchable, JsonObject? metadata)
    {
        if (_views.TryGetValue(datasetId, out var view)) view.Vectors.SetDocument(documentId, searchable, metadata);
    }

    internal void ApplyRemoved(string datasetId, string documentId)
    {
        if (_views.TryGetValue(datasetId, out var view)) view.RemoveDocument(documentId);
    }

    /// <summary>Drops the dataset's search view (it reloads on next use).</summary>
    internal void Forget(string datasetId) => _views.TryRemove(datasetId, out _);

    /// <summary>
    /// Brings the dataset's view in line with what the file now says of these chunk rows, after an edit (call it on the
    /// write connection, after the edit's transaction): rows that are searchable (indexed, enabled, not parents) are
    /// (re)added with their text and vector, the others (deleted, disabled, waiting to be embedded again) leave the view.
    /// </summary>
    internal async Task RefreshRowsAsync(SqliteConnection connection, string datasetId, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0 || !_views.TryGetValue(datasetId, out var view)) return;
        var found = new HashSet<long>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT id, document_id, COALESCE(parent_id, 0), COALESCE(embedding_id, -1), content FROM chunks
                WHERE id IN ({string.Join(',', ids)}) AND dataset_id = $dataset AND kind <> 1 AND indexed = 1 AND enabled = 1
                """;
            command.Parameters.AddWithValue("$dataset", datasetId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var (id, ordinal) = (reader.GetInt64(0), reader.GetInt64(3));
                float[]? vector = null;
                if (ordinal >= 0 && view.VectorFile is { } file && ordinal < file.Count)
                {
                    vector = new float[file.Dimensions];
                    file.Read(ordinal, vector);
                }
                view.Add(new IndexedRow(id, reader.GetInt64(2), reader.GetString(4), vector is null ? -1 : ordinal, vector), reader.GetString(1));
                found.Add(id);
            }
        }
        foreach (var id in ids)
            if (!found.Contains(id)) view.Remove(id);
    }

    private sealed record SearchPlan(DatasetRecord Dataset, SearchMethod Method, DatasetView View)
    {
        public bool NeedsVector(RetrievalWeights? rerank) =>
            Dataset.HasVectors && (Method is SearchMethod.Semantic or SearchMethod.Hybrid || rerank is { VectorWeight: > 0 });
    }

    private sealed record ChunkRow(string SegmentId, int Position, int ChildPosition, string Content, string Hash, string DocumentName, string? MetadataJson);

    private sealed class Candidate(DatasetRecord dataset, long id, string documentId, long parentId, long vectorOrdinal)
    {
        public long VectorOrdinal { get; } = vectorOrdinal;
        public DatasetRecord Dataset { get; } = dataset;
        public long Id { get; } = id;
        public string DocumentId { get; } = documentId;
        public long ParentId { get; } = parentId;
        public double Semantic { get; set; }
        public double Keyword { get; set; }
        public double Score { get; set; }
        public int VectorRank { get; set; }
        public int KeywordRank { get; set; }
        public List<(long Id, double Score)> Children { get; } = [];
    }
}
