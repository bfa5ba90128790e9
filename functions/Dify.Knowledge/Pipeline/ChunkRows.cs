using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>A searchable chunk waiting to be embedded and indexed.</summary>
internal sealed record PendingChunk(long Id, long ParentId, int Position, string Content, byte[] Hash);

/// <summary>SQL over the chunks table, on a connection the caller holds.</summary>
internal static class ChunkRows
{
    public const int KindSegment = 0, KindParent = 1, KindChild = 2;

    public static byte[] Hash(string content) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Removes a document's chunks (vectors stay: equal content elsewhere reuses them).</summary>
    public static async Task DeleteDocumentAsync(SqliteConnection connection, string datasetId, string documentId, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM chunks WHERE dataset_id = $dataset AND document_id = $doc";
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

    /// <summary>
    /// Marks chunks indexed, each with the ordinal of its vector in the dataset's model file (null: no vector, e.g. an
    /// economy dataset), in the caller's transaction.
    /// </summary>
    public static async Task MarkIndexedAsync(SqliteConnection connection, IEnumerable<(long Id, long? Ordinal)> chunks, CancellationToken ct)
    {
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE chunks SET indexed = 1, embedding_id = $embedding WHERE id = $id";
        var id = update.Parameters.Add("$id", SqliteType.Integer);
        var embedding = update.Parameters.Add("$embedding", SqliteType.Integer);
        update.Prepare();
        foreach (var (chunk, ordinal) in chunks)
        {
            id.Value = chunk;
            embedding.Value = (object?)ordinal ?? DBNull.Value;
            await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
