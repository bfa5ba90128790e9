using System.Text.Json.Nodes;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// A document and its ingestion progress (the fields of Dify's Document and indexing-status objects this engine keeps).
/// Timestamps are unix seconds. <see cref="TotalSegments"/> is known once splitting is done.
/// </summary>
public sealed record DocumentRecord(
    string DatasetId,
    string Id,
    string Name,
    DocumentStatus Status,
    string? Error,
    string? SourceHash,
    JsonObject? ProcessRule,
    JsonObject? Metadata,
    bool Enabled,
    int TotalSegments,
    int CompletedSegments,
    long WordCount,
    long CreatedAt,
    long? ProcessingStartedAt,
    long? ParsingCompletedAt,
    long? CleaningCompletedAt,
    long? SplittingCompletedAt,
    long? CompletedAt,
    bool Archived = false)
{
    /// <summary>Whether retrieval may return its chunks: completed, enabled and not archived (Dify's filter).</summary>
    public bool Searchable => Status == DocumentStatus.Completed && Enabled && !Archived;
}
