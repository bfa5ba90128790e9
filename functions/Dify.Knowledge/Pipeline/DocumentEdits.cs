using System.Text.Json.Nodes;
using Dify.Knowledge.Index;
using Dify.Knowledge.Storage;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// Edits of an ingested document that change what retrieval sees without touching its chunks: enabled, archived
/// (Dify's document status actions) and metadata values. Each edit updates the row, then the dataset's search view,
/// so a disabled or archived document drops out of retrieval at once and comes back on enable with no re-embedding.
/// </summary>
public sealed class DocumentEdits
{
    private readonly KnowledgeDatabase _database;
    private readonly SqliteKnowledgeIndex _index;
    private readonly DocumentStore _documents;
    private readonly Func<string, string, CancellationToken, Task<SemaphoreSlim>> _gate;
    private readonly Func<string, string, CancellationToken, Task> _publish;

    internal DocumentEdits(
        KnowledgeDatabase database, SqliteKnowledgeIndex index, DocumentStore documents, Func<string, string, CancellationToken, Task<SemaphoreSlim>> gate,
        Func<string, string, CancellationToken, Task> publish)
    {
        _publish = publish;
        _database = database;
        _index = index;
        _documents = documents;
        _gate = gate;
    }

    /// <summary>Sets enabled and/or archived (null leaves a flag as it is); null when the document does not exist.</summary>
    public Task<DocumentRecord?> SetStatusAsync(string datasetId, string documentId, bool? enabled, bool? archived, CancellationToken cancellationToken) =>
        EditAsync(datasetId, documentId, "enabled = COALESCE($enabled, enabled), archived = COALESCE($archived, archived)", command =>
        {
            command.Parameters.AddWithValue("$enabled", enabled is { } e ? e ? 1 : 0 : DBNull.Value);
            command.Parameters.AddWithValue("$archived", archived is { } a ? a ? 1 : 0 : DBNull.Value);
        }, cancellationToken);

    /// <summary>Replaces the document's metadata values (Dify's doc_metadata: name → value); null when the document does not exist.</summary>
    public Task<DocumentRecord?> SetMetadataAsync(string datasetId, string documentId, JsonObject? metadata, CancellationToken cancellationToken) =>
        EditAsync(datasetId, documentId, "metadata_json = $metadata", command =>
            command.Parameters.AddWithValue("$metadata", (object?)metadata?.ToJsonString() ?? DBNull.Value), cancellationToken);

    private async Task<DocumentRecord?> EditAsync(
        string datasetId, string documentId, string set, Action<Microsoft.Data.Sqlite.SqliteCommand> bind, CancellationToken ct)
    {
        var gate = await _gate(datasetId, documentId, ct).ConfigureAwait(false);
        try
        {
            DocumentRecord? record;
            await using (var lease = await _database.WriteAsync(ct).ConfigureAwait(false))
            {
                await using (var command = lease.Connection.CreateCommand())
                {
                    command.CommandText = $"UPDATE documents SET {set}, updated_at = $now WHERE dataset_id = $dataset AND id = $id";
                    command.Parameters.AddWithValue("$now", DocumentStore.Now());
                    command.Parameters.AddWithValue("$dataset", datasetId);
                    command.Parameters.AddWithValue("$id", documentId);
                    bind(command);
                    if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return null;
                }
                record = await _documents.GetAsync(datasetId, documentId, ct).ConfigureAwait(false);
                if (record is not null) _index.ApplyDocument(datasetId, documentId, record.Searchable, record.Metadata);
            }
            await _publish(datasetId, documentId, ct).ConfigureAwait(false);
            return record;
        }
        finally
        {
            gate.Release();
        }
    }
}
