using System.Text.Json.Nodes;

namespace Dify.Workflows.Knowledge;

/// <summary>A segment found by a search, with what Dify's result metadata reports about it.</summary>
public sealed record RetrievedChunk(
    string Content,
    double Score,
    string DatasetId,
    string DatasetName,
    string DocumentId,
    string DocumentName,
    string SegmentId,
    /// <summary>The segment's position in its document, from 1.</summary>
    int SegmentPosition,
    /// <summary>The document's metadata (Dify's doc_metadata), or null.</summary>
    JsonObject? DocMetadata = null,
    string? Summary = null,
    string? Title = null,
    string DataSourceType = "upload_file",
    int HitCount = 0,
    int WordCount = 0,
    string? IndexNodeHash = null);

/// <summary>A dataset's name, description (what the single-mode router reads) and its own retrieval settings.</summary>
public sealed record DatasetInfo(string Id, string Name, string? Description, DatasetRetrievalSettings Retrieval);
