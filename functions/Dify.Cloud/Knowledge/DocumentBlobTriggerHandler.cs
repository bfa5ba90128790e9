using Dify.Cloud.Configuration;
using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Storage.Azure;
using Dify.Storage.AzureStores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Cloud.Knowledge;

/// <summary>What the document trigger did with a blob.</summary>
public enum DocumentBlobAction { Ingested, Failed, Removed }

public sealed record DocumentBlobOutcome(DocumentBlobAction Action, string DatasetId, string DocumentId, int Chunks, string? Error = null);

/// <summary>
/// The entry point of the <c>documents/{dataset}/{name}</c> blob trigger: reads the blob and runs it through the
/// ingestion pipeline (<see cref="KnowledgeIngestor"/>: extract, clean, split, embed), then replaces the document's chunks
/// in the search index; a blob that is gone is removed from both. A blob the Dataset API wrote
/// (<c>{document_id}{ext}</c>, named in the document's attributes) is ingested as that document, with its name and
/// process rule; any other blob is a document named after the blob. The catalog's document record follows along
/// (indexing, then completed with word and segment counts, or error with the reason), so indexing-status can be read
/// from any instance. The dataset is created on first use (named after its id, embedded with
/// <c>Models:Embeddings:Model</c> when set). Re-running for the same blob is harmless. Each outcome is recorded in the
/// <see cref="IndexedDocumentLedger"/> (blob ETag taken in), which <see cref="DocumentReconciler"/> compares with the container.
/// </summary>
public sealed class DocumentBlobTriggerHandler(
    CloudResources resources, AzureStoreAccount account, TableKnowledgeCatalog catalog, TableKnowledgeAttributes attributes, AzureSearchKnowledgeIndex index,
    SearchIndexSchema schema, IndexedDocumentLedger ledger, IOptions<CloudStorageOptions> storage, IOptions<CloudKnowledgeOptions> knowledge, TimeProvider time,
    ILogger<DocumentBlobTriggerHandler> logger)
{
    /// <summary>Which document a blob is: the API's document whose blob it is, or a document of its own named after it.</summary>
    private sealed record BlobDocument(string Id, string Name, ProcessRule Rule, DocumentRecord? Record, bool FromApi);

    public async Task<DocumentBlobOutcome> HandleAsync(string datasetId, string blobName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        var ingestor = (await resources.GetAsync().ConfigureAwait(false)).Ingestor;
        await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var container = storage.Value.DocumentsContainer;
        var document = await ResolveAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var blob = await account.Blobs.GetAsync(container, $"{datasetId}/{blobName}", cancellationToken: cancellationToken).ConfigureAwait(false);
            var dataset = await EnsureDatasetAsync(ingestor, datasetId, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var started = document.Record is { } r
                ? r with { Status = DocumentStatus.Indexing, Error = null, ProcessingStartedAt = now, CompletedAt = null }
                : new DocumentRecord(datasetId, document.Id, document.Name, DocumentStatus.Indexing, null, null, ProcessRuleJson.Write(document.Rule), null, true, 0, 0, 0,
                    now, now, null, null, null, null);
            await catalog.SaveDocumentAsync(started, cancellationToken).ConfigureAwait(false);

            var result = await ingestor.IngestAsync(dataset.Id, document.Id, document.Name, blob.Content, document.Rule, cancellationToken, started.Metadata,
                sourceName: $"{container}/{datasetId}/{blobName}").ConfigureAwait(false);
            var version = blob.Properties.ETag.ToString();
            var finished = result with { Name = started.Name, CreatedAt = started.CreatedAt, Enabled = started.Enabled, Archived = started.Archived, ProcessingStartedAt = now };
            if (result.Status != DocumentStatus.Completed)
            {
                await SaveUnlessDeletedAsync(document, finished, cancellationToken).ConfigureAwait(false);
                // Recorded so that reconciling retries this document only when its blob changes.
                await ledger.RecordAsync(new IndexedDocument(datasetId, blobName, version, Failed: true, 0, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Document {DocumentId} of dataset {DatasetId} failed to ingest: {Error}", document.Id, datasetId, result.Error);
                return new DocumentBlobOutcome(DocumentBlobAction.Failed, datasetId, document.Id, 0, result.Error);
            }
            // A disabled or archived document stays out of retrieval when its blob is uploaded again.
            var searchable = started.Enabled && !started.Archived;
            var chunks = (await KnowledgeFileChunks.ReadDocumentAsync((await resources.GetAsync().ConfigureAwait(false)).KnowledgeFile, datasetId, document.Id, cancellationToken).ConfigureAwait(false))
                .Select(c => c with { DocumentEnabled = searchable }).ToList();
            // Replace, not merge: a shorter new version must not leave the old tail searchable, and segment edits go with
            // the old version (Dify: re-uploading a document replaces its segments).
            await index.DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
            await index.UpsertAsync(chunks, cancellationToken).ConfigureAwait(false);
            if (!await SaveUnlessDeletedAsync(document, finished, cancellationToken).ConfigureAwait(false))
            {
                // Deleted through the API while it was being ingested: take its chunks back out.
                await index.DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
                return new DocumentBlobOutcome(DocumentBlobAction.Removed, datasetId, document.Id, 0);
            }
            await ledger.RecordAsync(new IndexedDocument(datasetId, blobName, version, Failed: false, chunks.Count, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Indexed {ChunkCount} chunks of {DocumentId} in dataset {DatasetId}", chunks.Count, document.Id, datasetId);
            return new DocumentBlobOutcome(DocumentBlobAction.Ingested, datasetId, document.Id, chunks.Count);
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            await ledger.RemoveAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
            var current = await attributes.GetAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
            if (document.FromApi && current?[CloudDatasetBackend.BlobNameAttribute]?.GetValue<string>() is { } latest && latest != blobName)
            {
                // An update replaced the document's blob with one of another type: the document lives on in the new blob.
                return new DocumentBlobOutcome(DocumentBlobAction.Removed, datasetId, document.Id, 0);
            }
            await ingestor.DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
            var removed = await index.DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
            await catalog.DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
            await attributes.DeleteAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Blob {Container}/{DatasetId}/{BlobName} is gone: removed {ChunkCount} chunks", container, datasetId, blobName, removed);
            return new DocumentBlobOutcome(DocumentBlobAction.Removed, datasetId, document.Id, removed);
        }
    }

    private async Task<BlobDocument> ResolveAsync(string datasetId, string blobName, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(blobName);
        var stem = blobName[..^extension.Length];
        if (stem.Length > 0 && await catalog.GetDocumentAsync(datasetId, stem, cancellationToken).ConfigureAwait(false) is { } record
            && (await attributes.GetAsync(datasetId, stem, cancellationToken).ConfigureAwait(false))?[CloudDatasetBackend.BlobNameAttribute]?.GetValue<string>() == blobName)
            return new BlobDocument(stem, record.Name, Rule(record), record, FromApi: true);
        var own = await catalog.GetDocumentAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
        return new BlobDocument(blobName, own?.Name ?? Path.GetFileName(blobName), ProcessRule.Automatic, own, FromApi: false);
    }

    /// <summary>The rule the API stored; a record whose rule no longer parses falls back to automatic rather than never ingesting.</summary>
    private ProcessRule Rule(DocumentRecord record)
    {
        try
        {
            return ProcessRuleJson.Parse(record.ProcessRule);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            logger.LogWarning(e, "Document {DocumentId} of dataset {DatasetId} has an unreadable process rule; using automatic", record.Id, record.DatasetId);
            return ProcessRule.Automatic;
        }
    }

    /// <summary>Saves the final record unless an API document was deleted meanwhile; false then.</summary>
    private async Task<bool> SaveUnlessDeletedAsync(BlobDocument document, DocumentRecord finished, CancellationToken cancellationToken)
    {
        if (document.FromApi && await catalog.GetDocumentAsync(finished.DatasetId, finished.Id, cancellationToken).ConfigureAwait(false) is null) return false;
        await catalog.SaveDocumentAsync(finished, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<DatasetRecord> EnsureDatasetAsync(KnowledgeIngestor ingestor, string datasetId, CancellationToken cancellationToken)
    {
        var dataset = await catalog.GetAsync(datasetId, cancellationToken).ConfigureAwait(false);
        if (dataset is null)
        {
            var options = knowledge.Value;
            dataset = options.Model is { Length: > 0 } model
                ? new DatasetRecord(datasetId, datasetId, EmbeddingProvider: options.Provider, EmbeddingModel: model)
                : new DatasetRecord(datasetId, datasetId);
            await catalog.SaveDatasetAsync(dataset, cancellationToken).ConfigureAwait(false);
        }
        // The instance's working file needs the same settings (another instance may have created or changed them).
        await ingestor.Datasets.SaveAsync(dataset, cancellationToken).ConfigureAwait(false);
        return dataset;
    }
}
