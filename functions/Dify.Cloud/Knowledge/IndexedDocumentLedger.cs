using Dify.Cloud.Stores;
using Dify.Storage.Azure.Tables;

namespace Dify.Cloud.Knowledge;

/// <summary>One document blob as the index last took it in: which blob version (ETag) and whether it ingested.</summary>
public sealed record IndexedDocument(string DatasetId, string DocumentId, string BlobETag, bool Failed, int Chunks, DateTimeOffset IndexedAt);

/// <summary>
/// Which blob version of each document the knowledge index holds (table <c>{prefix}indexeddocs</c>: partition = dataset,
/// row = document name), written by <see cref="DocumentBlobTriggerHandler"/> after each ingest or removal. The search index
/// holds chunks only; this is what lets <see cref="DocumentReconciler"/> tell a deleted or changed blob from an indexed one.
/// </summary>
public sealed class IndexedDocumentLedger(CloudTables tables)
{
    public async Task RecordAsync(IndexedDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var row = new TableEntity(CloudTables.Key(document.DatasetId), CloudTables.Key(document.DocumentId))
        {
            { "DatasetId", document.DatasetId }, { "DocumentId", document.DocumentId }, { "BlobETag", document.BlobETag },
            { "Failed", document.Failed }, { "Chunks", document.Chunks }, { "IndexedAt", document.IndexedAt },
        };
        await tables.Client.UpsertAsync(tables.IndexedDocuments, row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> RemoveAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        tables.Client.DeleteIfExistsAsync(tables.IndexedDocuments, CloudTables.Key(datasetId), CloudTables.Key(documentId), cancellationToken: cancellationToken);

    public async IAsyncEnumerable<IndexedDocument> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in tables.Client.QueryAllAsync(tables.IndexedDocuments, cancellationToken: cancellationToken).ConfigureAwait(false))
            yield return new IndexedDocument(row.GetString("DatasetId")!, row.GetString("DocumentId")!, row.GetString("BlobETag") ?? "", row.GetBoolean("Failed") ?? false,
                row.GetInt32("Chunks") ?? 0, row.GetDateTimeOffset("IndexedAt") ?? DateTimeOffset.UnixEpoch);
    }
}
