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
/// in the search index; a blob that is gone is removed from both. The dataset is created on first use (named after its
/// id, embedded with <c>Models:Embeddings:Model</c> when set). Re-running for the same blob is harmless. Each outcome is
/// recorded in the <see cref="IndexedDocumentLedger"/> (blob ETag taken in), which <see cref="DocumentReconciler"/> compares with the container.
/// </summary>
public sealed class DocumentBlobTriggerHandler(
    CloudResources resources, AzureStoreAccount account, TableDatasetCatalog datasets, AzureSearchKnowledgeIndex index, IndexedDocumentLedger ledger,
    IOptions<CloudStorageOptions> storage, IOptions<CloudKnowledgeOptions> knowledge, TimeProvider time, ILogger<DocumentBlobTriggerHandler> logger)
{
    // Creates or updates the index schema once per instance, before the first write.
    private readonly Lazy<Task> _indexReady = new(() => index.EnsureIndexAsync(CancellationToken.None));

    public async Task<DocumentBlobOutcome> HandleAsync(string datasetId, string blobName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        var ingestor = (await resources.GetAsync().ConfigureAwait(false)).Ingestor;
        await _indexReady.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        var container = storage.Value.DocumentsContainer;
        try
        {
            await using var blob = await account.Blobs.GetAsync(container, $"{datasetId}/{blobName}", cancellationToken: cancellationToken).ConfigureAwait(false);
            var dataset = await EnsureDatasetAsync(ingestor, datasetId, cancellationToken).ConfigureAwait(false);
            var document = await ingestor.IngestAsync(dataset.Id, blobName, Path.GetFileName(blobName), blob.Content, ProcessRule.Automatic, cancellationToken,
                sourceName: $"{container}/{datasetId}/{blobName}").ConfigureAwait(false);
            var version = blob.Properties.ETag.ToString();
            if (document.Status != DocumentStatus.Completed)
            {
                // Recorded so that reconciling retries this document only when its blob changes.
                await ledger.RecordAsync(new IndexedDocument(datasetId, blobName, version, Failed: true, 0, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                logger.LogWarning("Document {DocumentId} of dataset {DatasetId} failed to ingest: {Error}", blobName, datasetId, document.Error);
                return new DocumentBlobOutcome(DocumentBlobAction.Failed, datasetId, blobName, 0, document.Error);
            }
            var chunks = await KnowledgeFileChunks.ReadDocumentAsync((await resources.GetAsync().ConfigureAwait(false)).KnowledgeFile, datasetId, blobName, cancellationToken).ConfigureAwait(false);
            // Replace, not merge: a shorter new version must not leave the old tail searchable.
            await index.DeleteDocumentAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
            await index.UpsertAsync(chunks, cancellationToken).ConfigureAwait(false);
            await ledger.RecordAsync(new IndexedDocument(datasetId, blobName, version, Failed: false, chunks.Count, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Indexed {ChunkCount} chunks of {DocumentId} in dataset {DatasetId}", chunks.Count, blobName, datasetId);
            return new DocumentBlobOutcome(DocumentBlobAction.Ingested, datasetId, blobName, chunks.Count);
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            await ingestor.DeleteDocumentAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
            var removed = await index.DeleteDocumentAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
            await ledger.RemoveAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Blob {Container}/{DatasetId}/{DocumentId} is gone: removed {ChunkCount} chunks", container, datasetId, blobName, removed);
            return new DocumentBlobOutcome(DocumentBlobAction.Removed, datasetId, blobName, removed);
        }
    }

    private async Task<DatasetRecord> EnsureDatasetAsync(KnowledgeIngestor ingestor, string datasetId, CancellationToken cancellationToken)
    {
        var dataset = await datasets.GetAsync(datasetId, cancellationToken).ConfigureAwait(false);
        if (dataset is null)
        {
            var options = knowledge.Value;
            dataset = options.Model is { Length: > 0 } model
                ? new DatasetRecord(datasetId, datasetId, EmbeddingProvider: options.Provider, EmbeddingModel: model)
                : new DatasetRecord(datasetId, datasetId);
            await datasets.SaveAsync(dataset, cancellationToken).ConfigureAwait(false);
        }
        // The instance's working file needs the same record (another instance may have created it).
        if (await ingestor.Datasets.GetAsync(datasetId, cancellationToken).ConfigureAwait(false) is null)
            await ingestor.Datasets.SaveAsync(dataset, cancellationToken).ConfigureAwait(false);
        return dataset;
    }
}
