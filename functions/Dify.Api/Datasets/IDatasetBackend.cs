using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Workflows.Knowledge;

namespace Dify.Api.Datasets;

/// <summary>
/// What the core Knowledge API handlers (datasets, documents, indexing-status, retrieve) run on, so that the local host
/// (<see cref="SqliteDatasetBackend"/>: knowledge file, background queue) and the Azure composition (Table catalog,
/// <c>documents</c> blobs, Azure AI Search) serve the same routes with the same handlers. Segment, child-chunk, metadata,
/// tag and status routes need the knowledge file itself and stay on <see cref="DatasetApiBackend"/>.
/// </summary>
public interface IDatasetBackend
{
    Task<DatasetRecord?> GetDatasetAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Every dataset, oldest first.</summary>
    Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(CancellationToken cancellationToken);

    /// <summary>Creates the dataset or replaces its settings.</summary>
    Task SaveDatasetAsync(DatasetRecord dataset, CancellationToken cancellationToken);

    /// <summary>Removes the dataset with its documents, their sources and their index entries.</summary>
    Task DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>The Dify fields the engine does not use itself, of the dataset (<paramref name="documentId"/> null) or of a document.</summary>
    Task<JsonObject?> GetAttributesAsync(string datasetId, string? documentId, CancellationToken cancellationToken);

    Task SetAttributesAsync(string datasetId, string? documentId, JsonObject attributes, CancellationToken cancellationToken);

    /// <summary>The attributes of every document of the dataset that has some, by document id.</summary>
    Task<IReadOnlyDictionary<string, JsonObject>> ListDocumentAttributesAsync(string datasetId, CancellationToken cancellationToken);

    Task<DocumentRecord?> GetDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken);

    /// <summary>The dataset's documents, oldest first.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the document's source and <paramref name="attributes"/>, registers it as waiting (replacing an earlier
    /// version) and has it ingested in the background; returns the waiting record.
    /// </summary>
    Task<DocumentRecord> SubmitDocumentAsync(
        string datasetId, string documentId, string name, ProcessRule rule, JsonObject attributes, DocumentSource source, CancellationToken cancellationToken);

    /// <summary>Removes the document with its source and index entries.</summary>
    Task DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken);

    /// <summary>The dataset's tags as its dataset object lists them (empty where tags are not kept).</summary>
    Task<IReadOnlyList<KnowledgeTag>> BoundTagsAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>The dataset's metadata fields (empty where metadata is not kept).</summary>
    Task<IReadOnlyList<MetadataField>> MetadataFieldsAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Searches the index; throws <see cref="KnowledgeRetrievalException"/> for a query the index refuses.</summary>
    Task<IReadOnlyList<KnowledgeHit>> SearchAsync(KnowledgeQuery query, CancellationToken cancellationToken);

    /// <summary>Counts the hits on their segments (Dify's hit_count), where segments are kept.</summary>
    Task RecordHitsAsync(IReadOnlyList<KnowledgeHit> hits, CancellationToken cancellationToken);

    /// <summary>The stored segment behind a hit (answer, keywords, hit_count), or null where only the index holds it.</summary>
    Task<SegmentRecord?> GetSegmentAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken);

    /// <summary>The rerank step for retrieval models naming a reranking_model.</summary>
    ModelReranker Reranker { get; }
}
