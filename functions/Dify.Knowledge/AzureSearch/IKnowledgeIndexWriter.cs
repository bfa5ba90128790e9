using System.Text.Json.Nodes;

namespace Dify.Knowledge.AzureSearch;

/// <summary>What a chunk is in a document: a plain segment (searched), a parent (returned, not searched), or a child (searched, returns its parent).</summary>
public enum IndexedChunkKind { Segment, Parent, Child }

/// <summary>
/// A chunk as the ingestion pipeline hands it to an index. <see cref="SegmentId"/> is the pipeline's id
/// (<c>{documentId}:{position}</c>, children <c>{documentId}:{position}:{child}</c>); children name their parent's
/// segment id in <see cref="ParentSegmentId"/>. <see cref="Vector"/> comes from the dataset's embedding model (null for
/// parents and economy datasets). <see cref="Answer"/>, <see cref="Keywords"/> and <see cref="Enabled"/> are the stored
/// segment's (Dataset API edits); <see cref="DocumentEnabled"/> is false while the document is disabled or archived.
/// </summary>
public sealed record IndexedChunk(
    string DatasetId,
    string DocumentId,
    string DocumentName,
    string SegmentId,
    int Position,
    string Content,
    float[]? Vector,
    IndexedChunkKind Kind = IndexedChunkKind.Segment,
    string? ParentSegmentId = null,
    int ChildPosition = 0,
    JsonObject? DocMetadata = null,
    string? Answer = null,
    IReadOnlyList<string>? Keywords = null,
    bool Enabled = true,
    bool DocumentEnabled = true);

/// <summary>
/// The write side of a knowledge index, for the ingestion pipeline: chunks are added or replaced in batches, and a
/// document's chunks are removed at once. Implemented by <see cref="AzureSearchKnowledgeIndex"/>.
/// </summary>
public interface IKnowledgeIndexWriter
{
    /// <summary>Adds or replaces chunks (keyed by dataset and segment id), in batches the backend accepts.</summary>
    Task UpsertAsync(IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken);

    /// <summary>Removes every chunk of a document; returns how many were removed.</summary>
    Task<int> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken);
}
