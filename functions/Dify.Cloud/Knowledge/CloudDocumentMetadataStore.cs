using System.Text.Json.Nodes;
using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Knowledge;

/// <summary>
/// Document metadata values in Azure: the Table catalog's record first (what every instance reports, and what the
/// blob trigger gives the chunks when the document is ingested again), then the document's search documents get the
/// same values by merge (<c>doc_metadata</c> and the filterable <c>metadata_pairs</c>), so retrieval's
/// metadata_filtering_conditions see them at once and nothing is re-embedded.
/// </summary>
public sealed class CloudDocumentMetadataStore(
    TableKnowledgeCatalog catalog, AzureSearchKnowledgeIndex index, SearchIndexSchema schema, ILogger<CloudDocumentMetadataStore> logger) : IDocumentMetadataStore
{
    public Task<DocumentRecord?> GetAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        catalog.GetDocumentAsync(datasetId, documentId, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(string datasetId, CancellationToken cancellationToken) =>
        catalog.ListDocumentsAsync(datasetId, cancellationToken);

    public async Task<DocumentRecord?> SetMetadataAsync(string datasetId, string documentId, JsonObject? metadata, CancellationToken cancellationToken)
    {
        if (await catalog.GetDocumentAsync(datasetId, documentId, cancellationToken).ConfigureAwait(false) is not { } current) return null;
        var changed = current with { Metadata = metadata };
        await catalog.SaveDocumentAsync(changed, cancellationToken).ConfigureAwait(false);
        await schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var chunks = await index.UpdateDocumentMetadataAsync(datasetId, documentId, metadata, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Metadata of document {DocumentId} in dataset {DatasetId} set on {ChunkCount} chunks", documentId, datasetId, chunks);
        return changed;
    }
}
