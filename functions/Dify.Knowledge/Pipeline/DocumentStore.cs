using System.Text.Json.Nodes;
using Dify.Knowledge.Storage;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Pipeline;

/// <summary>Document records and their ingestion progress, in the knowledge file.</summary>
public sealed class DocumentStore(KnowledgeDatabase database)
{
    private const string Columns = """
        dataset_id, id, name, status, error, source_hash, rule_json, metadata_json, enabled, total_segments, completed_segments,
        word_count, created_at, processing_started_at, parsing_completed_at, cleaning_completed_at, splitting_completed_at, completed_at,
        archived
        """;

    public async Task<DocumentRecord?> GetAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE dataset_id = $dataset AND id = $id", datasetId, documentId, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(string datasetId, CancellationToken cancellationToken) =>
        QueryAsync("WHERE dataset_id = $dataset ORDER BY created_at, id", datasetId, null, cancellationToken);

    /// <summary>Documents whose indexing stopped after splitting (a crash or cancellation): they can resume without their source.</summary>
    public Task<IReadOnlyList<DocumentRecord>> ListResumableAsync(CancellationToken cancellationToken) =>
        QueryAsync("WHERE status = 'indexing' AND splitting_completed_at IS NOT NULL", null, null, cancellationToken);

    /// <summary>Starts (or restarts) a document: waiting, counters and timestamps cleared.</summary>
    internal static async Task BeginAsync(SqliteConnection connection, string datasetId, string documentId, string name, JsonObject rule, JsonObject? metadata, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO documents(dataset_id, id, name, status, rule_json, metadata_json, created_at, updated_at)
            VALUES($dataset, $id, $name, 'waiting', $rule, $metadata, $now, $now)
            ON CONFLICT(dataset_id, id) DO UPDATE SET name = excluded.name, status = 'waiting', error = NULL, source_hash = NULL,
                rule_json = excluded.rule_json, metadata_json = COALESCE(excluded.metadata_json, documents.metadata_json),
                total_segments = 0, completed_segments = 0, word_count = 0, processing_started_at = NULL,
                parsing_completed_at = NULL, cleaning_completed_at = NULL, splitting_completed_at = NULL, completed_at = NULL,
                updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$id", documentId);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$rule", rule.ToJsonString());
        command.Parameters.AddWithValue("$metadata", (object?)metadata?.ToJsonString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", Now());
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Moves the document to <paramref name="status"/>, stamping <paramref name="stampColumn"/> (a column of this table) with now.</summary>
    internal static async Task SetStatusAsync(
        SqliteConnection connection, string datasetId, string documentId, DocumentStatus status, string? stampColumn, string? error, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        var stamp = stampColumn is null ? "" : $", {stampColumn} = $now";
        command.CommandText = $"UPDATE documents SET status = $status, error = $error, updated_at = $now{stamp} WHERE dataset_id = $dataset AND id = $id";
        command.Parameters.AddWithValue("$status", status.ToDify());
        command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$id", documentId);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    internal static async Task SetSplitAsync(SqliteConnection connection, string datasetId, string documentId, string sourceHash, int totalSegments, long wordCount, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE documents SET status = 'indexing', source_hash = $hash, total_segments = $total, word_count = $words,
                splitting_completed_at = $now, updated_at = $now
            WHERE dataset_id = $dataset AND id = $id
            """;
        command.Parameters.AddWithValue("$hash", sourceHash);
        command.Parameters.AddWithValue("$total", totalSegments);
        command.Parameters.AddWithValue("$words", wordCount);
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$id", documentId);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    internal static async Task SetProgressAsync(SqliteConnection connection, string datasetId, string documentId, int completedSegments, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE documents SET completed_segments = $done, updated_at = $now WHERE dataset_id = $dataset AND id = $id";
        command.Parameters.AddWithValue("$done", completedSegments);
        command.Parameters.AddWithValue("$now", Now());
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$id", documentId);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    internal static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task<IReadOnlyList<DocumentRecord>> QueryAsync(string where, string? datasetId, string? documentId, CancellationToken ct)
    {
        await using var lease = await database.ReadAsync(ct).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM documents {where}";
        if (datasetId is not null) command.Parameters.AddWithValue("$dataset", datasetId);
        if (documentId is not null) command.Parameters.AddWithValue("$id", documentId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<DocumentRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            long? Stamp(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            JsonObject? Json(int i) => reader.IsDBNull(i) ? null : JsonNode.Parse(reader.GetString(i)) as JsonObject;
            result.Add(new DocumentRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), DocumentStatuses.Parse(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), Json(6), Json(7),
                reader.GetInt64(8) != 0, reader.GetInt32(9), reader.GetInt32(10), reader.GetInt64(11), reader.GetInt64(12),
                Stamp(13), Stamp(14), Stamp(15), Stamp(16), Stamp(17), reader.GetInt64(18) != 0));
        }
        return result;
    }
}
