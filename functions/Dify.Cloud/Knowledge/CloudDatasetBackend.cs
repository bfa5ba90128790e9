using System.Text.Json.Nodes;
using Dify.Api.Datasets;
using Dify.Cloud.Configuration;
using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Storage.AzureStores;
using Dify.Workflows.Knowledge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Cloud.Knowledge;

/// <summary>
/// The Dataset API in Azure, with no state of its own so that any instance serves any request: datasets and document
/// records in the Table catalog, their Dify attributes beside them, each document's source as the blob
/// <c>documents/{dataset_id}/{document_id}{ext}</c> (whose trigger, <see cref="DocumentBlobTriggerHandler"/>, ingests it
/// and updates the record), chunks in Azure AI Search, which also holds the stored segments (<see cref="CloudSegmentBackend"/>).
/// Tags and metadata fields are kept in the attributes (<see cref="KnowledgeTags"/>, <see cref="DatasetMetadata"/>).
/// </summary>
public sealed class CloudDatasetBackend(
    TableKnowledgeCatalog catalog, TableKnowledgeAttributes attributes, AzureStoreAccount account, AzureSearchKnowledgeIndex index, IndexedDocumentLedger ledger,
    SearchIndexSchema schema, KnowledgeTags tags, DatasetMetadata metadata, CloudResources resources, IOptions<CloudStorageOptions> storage, ModelReranker reranker, TimeProvider time, ILogger<CloudDatasetBackend> logger) : IDatasetBackend
{
    /// <summary>The document attribute naming its source blob (under the dataset's folder), which the trigger matches.</summary>
    public const string BlobNameAttribute = "blob_name";

    private string Container => storage.Value.DocumentsContainer;

    public ModelReranker Reranker => reranker;

    public Task<DatasetRecord?> GetDatasetAsync(string datasetId, CancellationToken cancellationToken) => catalog.GetAsync(datasetId, cancellationToken);

    public Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(CancellationToken cancellationToken) => catalog.ListDatasetsAsync(cancellationToken);

    public Task SaveDatasetAsync(DatasetRecord dataset, CancellationToken cancellationToken) => catalog.SaveDatasetAsync(dataset, cancellationToken);

    public async Task DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        // Documents first (blob, chunks, record), so a crash part-way leaves a smaller dataset, never orphaned chunks.
        foreach (var document in await catalog.ListDocumentsAsync(datasetId, cancellationToken).ConfigureAwait(false))
            await DeleteDocumentAsync(datasetId, document.Id, cancellationToken).ConfigureAwait(false);
        await attributes.DeleteDatasetAsync(datasetId, cancellationToken).ConfigureAwait(false);
        await catalog.DeleteDatasetAsync(datasetId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Deleted dataset {DatasetId}", datasetId);
    }

    public Task<JsonObject?> GetAttributesAsync(string datasetId, string? documentId, CancellationToken cancellationToken) =>
        attributes.GetAsync(datasetId, documentId, cancellationToken);

    public Task SetAttributesAsync(string datasetId, string? documentId, JsonObject values, CancellationToken cancellationToken) =>
        attributes.SetAsync(datasetId, documentId, values, cancellationToken);

    public Task<IReadOnlyDictionary<string, JsonObject>> ListDocumentAttributesAsync(string datasetId, CancellationToken cancellationToken) =>
        attributes.ListDocumentsAsync(datasetId, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        catalog.GetDocumentAsync(datasetId, documentId, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken) =>
        catalog.ListDocumentsAsync(datasetId, cancellationToken);

    public async Task<DocumentRecord> SubmitDocumentAsync(
        string datasetId, string documentId, string name, ProcessRule rule, JsonObject values, DocumentSource source, CancellationToken cancellationToken)
    {
        var previous = (await attributes.GetAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false))?[BlobNameAttribute]?.GetValue<string>();
        var blobName = BlobName(documentId, source.Extension);
        values[BlobNameAttribute] = blobName;
        var record = new DocumentRecord(datasetId, documentId, name, DocumentStatus.Waiting, null, null, ProcessRuleJson.Write(rule),
            (await catalog.GetDocumentAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false))?.Metadata, Enabled: true, 0, 0, 0,
            time.GetUtcNow().ToUnixTimeSeconds(), null, null, null, null, null);
        // Record first, blob last: the blob's trigger may run at once, on any instance, and must find the record.
        await attributes.SetAsync(datasetId, documentId, values, cancellationToken).ConfigureAwait(false);
        await catalog.SaveDocumentAsync(record, cancellationToken).ConfigureAwait(false);
        await account.Blobs.PutAsync(Container, $"{datasetId}/{blobName}", source.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous != blobName)
            await account.Blobs.DeleteIfExistsAsync(Container, $"{datasetId}/{previous}", cancellationToken: cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Document {DocumentId} of dataset {DatasetId} queued as blob {BlobName}", documentId, datasetId, blobName);
        return record;
    }

    public async Task DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        var blobName = (await attributes.GetAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false))?[BlobNameAttribute]?.GetValue<string>() ?? documentId;
        await account.Blobs.DeleteIfExistsAsync(Container, $"{datasetId}/{blobName}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await index.DeleteDocumentAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        await ledger.RemoveAsync(datasetId, blobName, cancellationToken).ConfigureAwait(false);
        await catalog.DeleteDocumentAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        await attributes.DeleteAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
        // This instance's working copy; other instances' copies are only a cache the trigger replaces.
        await (await resources.GetAsync().ConfigureAwait(false)).Ingestor.DeleteDocumentAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<KnowledgeTag>> BoundTagsAsync(string datasetId, CancellationToken cancellationToken) => tags.DatasetTagsAsync(datasetId, cancellationToken);

    public async Task<IReadOnlyList<MetadataField>> MetadataFieldsAsync(string datasetId, CancellationToken cancellationToken) =>
        (await metadata.ListAsync(datasetId, cancellationToken).ConfigureAwait(false)).Fields;

    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(KnowledgeQuery query, CancellationToken cancellationToken)
    {
        try
        {
            await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AzureSearchIndexException e)
        {
            throw new KnowledgeRetrievalException(e.Message, e);
        }
        return await index.SearchAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hit counts are not kept in Azure: counting would rewrite a search document on every retrieval.</summary>
    public Task RecordHitsAsync(IReadOnlyList<KnowledgeHit> hits, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The segment behind a hit, for its answer and keywords (the search documents hold them).</summary>
    public Task<SegmentRecord?> GetSegmentAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken) =>
        index.GetSegmentAsync(datasetId, documentId, segmentId, cancellationToken);

    /// <summary><c>{document_id}{ext}</c>: the id keeps the blob findable; the extension tells the extractor the format.</summary>
    public static string BlobName(string documentId, string extension) =>
        extension.Length == 0 ? documentId : $"{documentId}.{extension.TrimStart('.')}";
}
