using Azure;

namespace Dify.Storage.Azure.Blobs;

/// <summary>
/// Conditional headers for a blob request. A failed <c>If-Match</c> surfaces as
/// <see cref="StorageRequestException"/> with status 412 and code <c>ConditionNotMet</c>; a write with
/// <see cref="CreateOnly"/> on an existing blob as 409 <c>BlobAlreadyExists</c>.
/// </summary>
public sealed record BlobConditions
{
    /// <summary>Write only when the blob does not exist yet (<c>If-None-Match: *</c>).</summary>
    public static BlobConditions CreateOnly { get; } = new() { IfNoneMatch = ETag.All };

    /// <summary>Act only when the blob still has <paramref name="etag"/> (optimistic concurrency).</summary>
    public static BlobConditions Match(ETag etag) => new() { IfMatch = etag };

    public ETag? IfMatch { get; init; }
    public ETag? IfNoneMatch { get; init; }
    public DateTimeOffset? IfModifiedSince { get; init; }
    public DateTimeOffset? IfUnmodifiedSince { get; init; }
}
