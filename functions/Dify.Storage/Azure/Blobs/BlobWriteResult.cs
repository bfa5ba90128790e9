using Azure;

namespace Dify.Storage.Azure.Blobs;

/// <summary>The blob's new ETag and modification time after a write; pass the ETag to <see cref="BlobConditions.Match"/>.</summary>
public sealed record BlobWriteResult(ETag ETag, DateTimeOffset? LastModified);
