namespace Dify.Storage.Azure.Blobs;

/// <summary>One page of a listing; <see cref="NextMarker"/> is null on the last page.</summary>
public sealed record BlobPage(IReadOnlyList<BlobItem> Items, string? NextMarker);
