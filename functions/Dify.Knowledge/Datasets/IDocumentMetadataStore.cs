using System.Text.Json.Nodes;
using Dify.Knowledge.Pipeline;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// The document records <see cref="DatasetMetadata"/> reads and whose metadata values it replaces. Replacing the values
/// must also give the document's indexed chunks the new values (retrieval's metadata_filtering_conditions read them
/// there) without re-embedding: the knowledge file's search view locally, a merge into Azure AI Search in the cloud.
/// </summary>
public interface IDocumentMetadataStore
{
    Task<DocumentRecord?> GetAsync(string datasetId, string documentId, CancellationToken cancellationToken);

    /// <summary>The dataset's documents, oldest first.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Replaces the document's metadata values (name → value); null when the document does not exist.</summary>
    Task<DocumentRecord?> SetMetadataAsync(string datasetId, string documentId, JsonObject? metadata, CancellationToken cancellationToken);
}

/// <summary>The knowledge file's documents: the store reads them, <see cref="DocumentEdits"/> updates row and search view.</summary>
internal sealed class KnowledgeFileDocumentMetadata(DocumentStore documents, DocumentEdits edits) : IDocumentMetadataStore
{
    public Task<DocumentRecord?> GetAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        documents.GetAsync(datasetId, documentId, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(string datasetId, CancellationToken cancellationToken) =>
        documents.ListAsync(datasetId, cancellationToken);

    public Task<DocumentRecord?> SetMetadataAsync(string datasetId, string documentId, JsonObject? metadata, CancellationToken cancellationToken) =>
        edits.SetMetadataAsync(datasetId, documentId, metadata, cancellationToken);
}
