using Azure;

namespace Dify.Storage.Azure.Blobs;

/// <summary>One entry of a listing; <see cref="Metadata"/> is empty unless the listing asked for it.</summary>
public sealed record BlobItem(
    string Name,
    long ContentLength,
    string? ContentType,
    ETag ETag,
    DateTimeOffset? LastModified,
    IReadOnlyDictionary<string, string> Metadata);
