using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;

namespace Dify.Api.Datasets;

/// <summary>
/// The stored segments of a document and the switches that decide whether its chunks are searched: what the segment
/// and document-status routes run on, so the local host (<see cref="SqliteSegmentBackend"/>: the knowledge file) and the
/// Azure composition (the search index, shared by every instance) serve them with the same handlers. The handlers check
/// the dataset and document first; an edit of a document that is not completed throws <see cref="InvalidOperationException"/>.
/// </summary>
public interface IDatasetSegmentBackend
{
    /// <summary>The document's segments with their child chunks, by position.</summary>
    Task<IReadOnlyList<SegmentRecord>> ListAsync(string datasetId, string documentId, CancellationToken cancellationToken);

    Task<SegmentRecord?> GetAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken);

    /// <summary>Adds segments after the last one, embedded with the dataset's model and searchable at once; returns them.</summary>
    Task<IReadOnlyList<SegmentRecord>> AddAsync(DatasetRecord dataset, DocumentRecord document, IReadOnlyList<SegmentDraft> drafts, CancellationToken cancellationToken);

    /// <summary>Applies the edit (re-embedding only when the content changes); null when the segment is gone.</summary>
    Task<SegmentRecord?> UpdateAsync(DatasetRecord dataset, DocumentRecord document, string segmentId, SegmentEdit edit, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(DocumentRecord document, string segmentId, CancellationToken cancellationToken);

    /// <summary>Enables, disables, archives or restores a document: it leaves or rejoins retrieval at once, nothing is re-embedded.</summary>
    Task SetDocumentStatusAsync(DocumentRecord document, bool? enabled, bool? archived, CancellationToken cancellationToken);
}

/// <summary>The local host's segments: the knowledge file, through the ingestor.</summary>
public sealed class SqliteSegmentBackend(DatasetApiBackend backend) : IDatasetSegmentBackend
{
    public Task<IReadOnlyList<SegmentRecord>> ListAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        backend.Ingestor.Segments.ListAsync(datasetId, documentId, cancellationToken);

    public Task<SegmentRecord?> GetAsync(string datasetId, string documentId, string segmentId, CancellationToken cancellationToken) =>
        backend.Ingestor.Segments.GetAsync(datasetId, documentId, segmentId, cancellationToken);

    public Task<IReadOnlyList<SegmentRecord>> AddAsync(DatasetRecord dataset, DocumentRecord document, IReadOnlyList<SegmentDraft> drafts, CancellationToken cancellationToken) =>
        backend.Ingestor.Segments.AddAsync(document.DatasetId, document.Id, drafts, cancellationToken);

    public Task<SegmentRecord?> UpdateAsync(DatasetRecord dataset, DocumentRecord document, string segmentId, SegmentEdit edit, CancellationToken cancellationToken) =>
        backend.Ingestor.Segments.UpdateAsync(document.DatasetId, document.Id, segmentId, edit, cancellationToken);

    public Task<bool> DeleteAsync(DocumentRecord document, string segmentId, CancellationToken cancellationToken) =>
        backend.Ingestor.Segments.DeleteAsync(document.DatasetId, document.Id, segmentId, cancellationToken);

    public Task SetDocumentStatusAsync(DocumentRecord document, bool? enabled, bool? archived, CancellationToken cancellationToken) =>
        backend.Ingestor.Edits.SetStatusAsync(document.DatasetId, document.Id, enabled, archived, cancellationToken);
}
