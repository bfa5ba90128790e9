using Dify.Cloud.Configuration;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.AzureStores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Cloud.Knowledge;

/// <summary>What one reconciling pass did.</summary>
public sealed record ReconcileReport(int Blobs, int Unchanged, int Ingested, int Removed, int Failed);

/// <summary>
/// The timer's half of document ingestion. Event Grid blob triggers fire when a blob is created or replaced, never when it
/// is deleted, and an event can be missed; so this pass lists the <c>documents</c> container and the
/// <see cref="IndexedDocumentLedger"/>, removes from the index every document whose blob is gone, and ingests every blob
/// the ledger does not hold at its current ETag (new, changed, or missed). Each document goes through
/// <see cref="DocumentBlobTriggerHandler"/>, so running a pass twice, or beside the trigger, is harmless.
/// A document that fails keeps failing only until its blob changes: the ledger records the failed version.
/// </summary>
public sealed class DocumentReconciler(
    AzureStoreAccount account, IndexedDocumentLedger ledger, DocumentBlobTriggerHandler handler, IOptions<CloudStorageOptions> storage, ILogger<DocumentReconciler> logger)
{
    public async Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var container = storage.Value.DocumentsContainer;
        var blobs = new Dictionary<(string Dataset, string Document), string>();
        await foreach (var blob in account.Blobs.ListAllAsync(container, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // documents/{dataset}/{name}: a blob at the top level belongs to no dataset, as for the trigger's path.
            var slash = blob.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == blob.Name.Length - 1) continue;
            blobs[(blob.Name[..slash], blob.Name[(slash + 1)..])] = blob.ETag.ToString();
        }

        var indexed = new Dictionary<(string Dataset, string Document), IndexedDocument>();
        await foreach (var document in ledger.ListAsync(cancellationToken).ConfigureAwait(false))
            indexed[(document.DatasetId, document.DocumentId)] = document;

        int unchanged = 0, ingested = 0, removed = 0, failed = 0;
        foreach (var ((dataset, document), _) in indexed.Where(i => !blobs.ContainsKey(i.Key)))
        {
            var outcome = await HandleAsync(dataset, document, cancellationToken).ConfigureAwait(false);
            if (outcome?.Action == DocumentBlobAction.Removed) removed++;
            else failed++;
        }
        foreach (var ((dataset, document), etag) in blobs)
        {
            if (indexed.TryGetValue((dataset, document), out var known) && known.BlobETag == etag)
            {
                unchanged++;
                continue;
            }
            var outcome = await HandleAsync(dataset, document, cancellationToken).ConfigureAwait(false);
            switch (outcome?.Action)
            {
                case DocumentBlobAction.Ingested: ingested++; break;
                case DocumentBlobAction.Removed: removed++; break; // deleted while we were listing
                default: failed++; break;
            }
        }
        var report = new ReconcileReport(blobs.Count, unchanged, ingested, removed, failed);
        logger.LogInformation("Reconciled {Container}: {BlobCount} blobs, {Unchanged} unchanged, {Ingested} ingested, {Removed} removed, {Failed} failed",
            container, report.Blobs, report.Unchanged, report.Ingested, report.Removed, report.Failed);
        return report;
    }

    /// <summary>One document's failure (a model or search outage) is logged and counted; the next pass tries again.</summary>
    private async Task<DocumentBlobOutcome?> HandleAsync(string dataset, string document, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.HandleAsync(dataset, document, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Reconciling document {DocumentId} of dataset {DatasetId} failed", document, dataset);
            return null;
        }
    }
}
