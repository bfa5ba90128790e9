using Azure;

namespace Dify.Storage.Azure.Blobs;

/// <summary>System properties and user metadata of a blob (metadata names compare case-insensitively).</summary>
public sealed record BlobProperties(
    long ContentLength,
    string? ContentType,
    ETag ETag,
    DateTimeOffset? LastModified,
    IReadOnlyDictionary<string, string> Metadata);
