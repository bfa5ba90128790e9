using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Storage;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// The catalog of the knowledge file: datasets and documents through the ingestor, so deleting one also removes its
/// chunks and search view (nothing is left orphaned). Saving a document record writes the row as given.
/// </summary>
public sealed class SqliteKnowledgeCatalog(KnowledgeDatabase database, KnowledgeIngestor ingestor) : IKnowledgeCatalog
{
    public Task<DatasetRecord?> GetAsync(string datasetId, CancellationToken cancellationToken) => ingestor.Datasets.GetAsync(datasetId, cancellationToken);

    public Task SaveDatasetAsync(DatasetRecord dataset, CancellationToken cancellationToken) => ingestor.Datasets.SaveAsync(dataset, cancellationToken);

    public Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(CancellationToken cancellationToken) => ingestor.Datasets.ListAsync(cancellationToken);

    public Task<bool> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken) => ingestor.DeleteDatasetAsync(datasetId, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        ingestor.Documents.GetAsync(datasetId, documentId, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken) =>
        ingestor.Documents.ListAsync(datasetId, cancellationToken);

    public Task<bool> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        ingestor.DeleteDocumentAsync(datasetId, documentId, cancellationToken);

    public async Task SaveDocumentAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await using var lease = await database.WriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO documents(dataset_id, id, name, status, error, source_hash, rule_json, metadata_json, enabled, archived,
                total_segments, completed_segments, word_count, created_at, processing_started_at, parsing_completed_at,
                cleaning_completed_at, splitting_completed_at, completed_at, updated_at)
            VALUES($dataset, $id, $name, $status, $error, $hash, $rule, $metadata, $enabled, $archived, $total, $completed, $words, $created,
                $started, $parsed, $cleaned, $split, $done, $now)
            """;
        object Value(object? v) => v ?? DBNull.Value;
        command.Parameters.AddWithValue("$dataset", document.DatasetId);
        command.Parameters.AddWithValue("$id", document.Id);
        command.Parameters.AddWithValue("$name", document.Name);
        command.Parameters.AddWithValue("$status", document.Status.ToDify());
        command.Parameters.AddWithValue("$error", Value(document.Error));
        command.Parameters.AddWithValue("$hash", Value(document.SourceHash));
        command.Parameters.AddWithValue("$rule", Value(document.ProcessRule?.ToJsonString()));
        command.Parameters.AddWithValue("$metadata", Value(document.Metadata?.ToJsonString()));
        command.Parameters.AddWithValue("$enabled", document.Enabled ? 1 : 0);
        command.Parameters.AddWithValue("$archived", document.Archived ? 1 : 0);
        command.Parameters.AddWithValue("$total", document.TotalSegments);
        command.Parameters.AddWithValue("$completed", document.CompletedSegments);
        command.Parameters.AddWithValue("$words", document.WordCount);
        command.Parameters.AddWithValue("$created", document.CreatedAt);
        command.Parameters.AddWithValue("$started", Value(document.ProcessingStartedAt));
        command.Parameters.AddWithValue("$parsed", Value(document.ParsingCompletedAt));
        command.Parameters.AddWithValue("$cleaned", Value(document.CleaningCompletedAt));
        command.Parameters.AddWithValue("$split", Value(document.SplittingCompletedAt));
        command.Parameters.AddWithValue("$done", Value(document.CompletedAt));
        command.Parameters.AddWithValue("$now", DocumentStore.Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
