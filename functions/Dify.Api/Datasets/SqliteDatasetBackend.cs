using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Workflows.Knowledge;

namespace Dify.Api.Datasets;

/// <summary>The local host's Knowledge API: the knowledge file, sources in the data folder, the in-process indexing queue.</summary>
internal sealed class SqliteDatasetBackend(DatasetApiBackend backend, DocumentSources sources, DocumentIndexingQueue queue) : IDatasetBackend
{
    private KnowledgeIngestor Ingestor => backend.Ingestor;

    public ModelReranker Reranker => backend.Reranker;

    public Task<DatasetRecord?> GetDatasetAsync(string datasetId, CancellationToken cancellationToken) => Ingestor.Datasets.GetAsync(datasetId, cancellationToken);

    public Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(CancellationToken cancellationToken) => Ingestor.Datasets.ListAsync(cancellationToken);

    public Task SaveDatasetAsync(DatasetRecord dataset, CancellationToken cancellationToken) => Ingestor.Datasets.SaveAsync(dataset, cancellationToken);

    public async Task DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        await queue.CancelAsync(datasetId, null);
        await Ingestor.DeleteDatasetAsync(datasetId, cancellationToken);
        sources.DeleteDataset(datasetId);
    }

    public Task<JsonObject?> GetAttributesAsync(string datasetId, string? documentId, CancellationToken cancellationToken) =>
        Ingestor.Attributes.GetAsync(datasetId, documentId, cancellationToken);

    public Task SetAttributesAsync(string datasetId, string? documentId, JsonObject attributes, CancellationToken cancellationToken) =>
        Ingestor.Attributes.SetAsync(datasetId, documentId, attributes, cancellationToken);

    public async Task<IReadOnlyDictionary<string, JsonObject>> ListDocumentAttributesAsync(string datasetId, CancellationToken cancellationToken) =>
        await Ingestor.Attributes.ListDocumentsAsync(datasetId, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        Ingestor.Documents.GetAsync(datasetId, documentId, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken) =>
        Ingestor.Documents.ListAsync(datasetId, cancellationToken);

    public async Task<DocumentRecord> SubmitDocumentAsync(
        string datasetId, string documentId, string name, ProcessRule rule, JsonObject attributes, DocumentSource source, CancellationToken cancellationToken)
    {
        await queue.CancelAsync(datasetId, documentId);
        await sources.SaveAsync(datasetId, documentId, source.Content, cancellationToken);
        await Ingestor.Attributes.SetAsync(datasetId, documentId, attributes, cancellationToken);
        var record = await Ingestor.RegisterAsync(datasetId, documentId, name, rule, null, cancellationToken);
        queue.Enqueue(datasetId, documentId);
        return record;
    }

    public async Task DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        await queue.CancelAsync(datasetId, documentId);
        await Ingestor.DeleteDocumentAsync(datasetId, documentId, cancellationToken);
        sources.Delete(datasetId, documentId);
    }

    public Task<IReadOnlyList<KnowledgeTag>> BoundTagsAsync(string datasetId, CancellationToken cancellationToken) =>
        Ingestor.Tags.DatasetTagsAsync(datasetId, cancellationToken);

    public async Task<IReadOnlyList<MetadataField>> MetadataFieldsAsync(string datasetId, CancellationToken cancellationToken) =>
        (await Ingestor.Metadata.ListAsync(datasetId, cancellationToken)).Fields;

    public Task<IReadOnlyList<KnowledgeHit>> SearchAsync(KnowledgeQuery query, CancellationToken cancellationToken) => backend.Index.SearchAsync(query, cancellationToken);

    public Task RecordHitsAsync(IReadOnlyList<KnowledgeHit> hits, CancellationToken cancellationToken) =>
        backend.Index.RecordHitsAsync(hits.Select(h => h.Chunk).ToList(), cancellationToken);

    public Task<SegmentRecord?> GetSegmentAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken) =>
        Ingestor.Segments.GetAsync(datasetId, documentId, segmentId, cancellationToken);
}
