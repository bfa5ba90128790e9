using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>A vector and its row in embeddings (0 until stored).</summary>
internal sealed record StoredVector(long Id, float[] Vector);

/// <summary>A searchable chunk waiting to be embedded and indexed.</summary>
internal sealed record PendingChunk(long Id, long ParentId, int Position, string Content, byte[] Hash);

/// <summary>SQL over the chunks, FTS and embeddings tables, on a connection the caller holds.</summary>
internal static class ChunkRows
{
    public const int KindSegment = 0, KindParent = 1, KindChild = 2;

    public static byte[] Hash(string content) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Removes a document's chunks and their full-text entries (vectors stay: equal content elsewhere reuses them).</summary>
    public static async Task DeleteDocumentAsync(SqliteConnection connection, string datasetId, string documentId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO chunks_fts(chunks_fts, rowid, content)
                SELECT 'delete', id, content FROM chunks WHERE dataset_id = $dataset AND document_id = $doc AND indexed = 1 AND kind <> 1;
            DELETE FROM chunks WHERE dataset_id = $dataset AND document_id = $doc;
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Prepared inserts of split segments (parents are stored as already indexed: they are never searched). Row ids are
    /// given here, following the largest id in the file, instead of read back per row: the caller holds the single write
    /// connection, so nobody else takes ids meanwhile, and a plain insert costs half of one that returns its id.
    /// </summary>
    public sealed class Writer : IAsyncDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly string _datasetId;
        private readonly string _documentId;
        private long _nextId;

        private Writer(SqliteConnection connection, string datasetId, string documentId, long nextId)
        {
            _datasetId = datasetId;
            _documentId = documentId;
            _nextId = nextId;
            _insert = connection.CreateCommand();
            _insert.CommandText = """
                INSERT INTO chunks(id, dataset_id, document_id, segment_id, position, child_position, parent_id, kind, content, content_hash, indexed)
                VALUES($id, $dataset, $doc, $segment, $position, $child, $parent, $kind, $content, $hash, $indexed);
                """;
            foreach (var name in new[] { "$id", "$dataset", "$doc", "$segment", "$position", "$child", "$parent", "$kind", "$content", "$hash", "$indexed" })
                _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            _insert.Parameters["$dataset"].Value = datasetId;
            _insert.Parameters["$doc"].Value = documentId;
            _insert.Prepare();
        }

        /// <summary>A writer on <paramref name="connection"/>, which must be the write lease's connection (it hands out row ids).</summary>
        public static async Task<Writer> OpenAsync(SqliteConnection connection, string datasetId, string documentId, CancellationToken ct)
        {
            await using var max = connection.CreateCommand();
            max.CommandText = "SELECT COALESCE(MAX(id), 0) FROM chunks";
            var last = (long)(await max.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            return new Writer(connection, datasetId, documentId, last + 1);
        }

        public async Task AddAsync(ChunkDraft draft, CancellationToken ct)
        {
            var segmentId = $"{_documentId}:{draft.Position}";
            if (!draft.IsParent)
            {
                await InsertAsync(segmentId, draft.Position, 0, null, KindSegment, draft.Content, indexed: false, ct).ConfigureAwait(false);
                return;
            }
            var parent = await InsertAsync(segmentId, draft.Position, 0, null, KindParent, draft.Content, indexed: true, ct).ConfigureAwait(false);
            for (var i = 0; i < draft.Children.Count; i++)
                await InsertAsync($"{segmentId}:{i + 1}", draft.Position, i + 1, parent, KindChild, draft.Children[i], indexed: false, ct).ConfigureAwait(false);
        }

        private async Task<long> InsertAsync(string segmentId, int position, int child, long? parent, int kind, string content, bool indexed, CancellationToken ct)
        {
            var id = _nextId++;
            var p = _insert.Parameters;
            p["$id"].Value = id;
            p["$segment"].Value = segmentId;
            p["$position"].Value = position;
            p["$child"].Value = child;
            p["$parent"].Value = (object?)parent ?? DBNull.Value;
            p["$kind"].Value = kind;
            p["$content"].Value = content;
            p["$hash"].Value = Hash(content);
            p["$indexed"].Value = indexed ? 1 : 0;
            await _insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return id;
        }

        public ValueTask DisposeAsync() => _insert.DisposeAsync();

        public override string ToString() => $"{_datasetId}/{_documentId}";
    }

    /// <summary>Up to <paramref name="limit"/> chunks not yet indexed, in order, after chunk id <paramref name="after"/>.</summary>
    public static async Task<List<PendingChunk>> PendingAsync(SqliteConnection connection, string datasetId, string documentId, long after, int limit, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, COALESCE(parent_id, 0), position, content, content_hash FROM chunks
            WHERE dataset_id = $dataset AND document_id = $doc AND indexed = 0 AND id > $after ORDER BY id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<PendingChunk>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new PendingChunk(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3), (byte[])reader.GetValue(4)));
        return result;
    }

    /// <summary>The stored vectors among <paramref name="hashes"/> for one embedding model (one query per 512 hashes).</summary>
    public static async Task<Dictionary<string, StoredVector>> VectorsAsync(SqliteConnection connection, string model, IEnumerable<byte[]> hashes, CancellationToken ct)
    {
        var result = new Dictionary<string, StoredVector>(StringComparer.Ordinal);
        foreach (var group in hashes.Chunk(512))
        {
            await using var command = connection.CreateCommand();
            // Hex literals of hashes we computed: nothing from the user reaches the SQL text.
            command.CommandText = $"SELECT content_hash, id, vector, format FROM embeddings WHERE model = $model AND content_hash IN ({string.Join(',', group.Select(h => $"X'{Convert.ToHexString(h)}'"))})";
            command.Parameters.AddWithValue("$model", model);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                result[Convert.ToHexString((byte[])reader.GetValue(0))] = new StoredVector(reader.GetInt64(1), VectorBlob.Read((byte[])reader.GetValue(2), reader.GetInt64(3)));
        }
        return result;
    }

    /// <summary>
    /// Stores the new vectors (giving them ids), adds the chunks to the full-text index and marks them indexed with
    /// their vector's id, in the caller's transaction. <paramref name="vectors"/> maps content hash (hex) to vector.
    /// </summary>
    public static async Task MarkIndexedAsync(
        SqliteConnection connection, string model, Dictionary<string, StoredVector> vectors, IReadOnlyList<PendingChunk> chunks, CancellationToken ct)
    {
        var fresh = new List<(string Key, byte[] Hash, float[] Vector)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            var key = Convert.ToHexString(chunk.Hash);
            if (vectors.TryGetValue(key, out var stored) && stored.Id == 0 && seen.Add(key)) fresh.Add((key, chunk.Hash, stored.Vector));
        }
        var ids = await StoreVectorsAsync(connection, model, fresh.Select(f => (f.Hash, f.Vector)).ToList(), ct).ConfigureAwait(false);
        for (var i = 0; i < fresh.Count; i++) vectors[fresh[i].Key] = vectors[fresh[i].Key] with { Id = ids[i] };
        await AddFullTextAsync(connection, chunks, c => vectors.TryGetValue(Convert.ToHexString(c.Hash), out var stored) ? stored.Id : null, ct).ConfigureAwait(false);
    }

    /// <summary>Stores vectors by (model, content hash), returning their row ids (an existing row keeps its vector).</summary>
    public static async Task<long[]> StoreVectorsAsync(SqliteConnection connection, string model, IReadOnlyList<(byte[] Hash, float[] Vector)> vectors, CancellationToken ct)
    {
        var ids = new long[vectors.Count];
        if (vectors.Count == 0) return ids;
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO embeddings(model, content_hash, vector, format) VALUES($model, $hash, $vector, $format) ON CONFLICT(model, content_hash) DO UPDATE SET model = excluded.model RETURNING id";
        insert.Parameters.AddWithValue("$model", model);
        insert.Parameters.AddWithValue("$format", VectorBlob.Current);
        var hash = insert.Parameters.Add("$hash", SqliteType.Blob);
        var vector = insert.Parameters.Add("$vector", SqliteType.Blob);
        for (var i = 0; i < vectors.Count; i++)
        {
            hash.Value = vectors[i].Hash;
            vector.Value = VectorBlob.Write(vectors[i].Vector);
            ids[i] = (long)(await insert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        return ids;
    }

    /// <summary>Adds the chunks to the full-text index and marks them indexed with their vector's row id (if any).</summary>
    public static async Task AddFullTextAsync(SqliteConnection connection, IReadOnlyList<PendingChunk> chunks, Func<PendingChunk, long?>? embeddingOf, CancellationToken ct)
    {
        await using var fts = connection.CreateCommand();
        fts.CommandText = "INSERT INTO chunks_fts(rowid, content) VALUES($id, $content); UPDATE chunks SET indexed = 1, embedding_id = $embedding WHERE id = $id;";
        var id = fts.Parameters.Add("$id", SqliteType.Integer);
        var content = fts.Parameters.Add("$content", SqliteType.Text);
        var embedding = fts.Parameters.Add("$embedding", SqliteType.Integer);
        foreach (var chunk in chunks)
        {
            id.Value = chunk.Id;
            content.Value = chunk.Content;
            embedding.Value = (object?)embeddingOf?.Invoke(chunk) ?? DBNull.Value;
            await fts.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
