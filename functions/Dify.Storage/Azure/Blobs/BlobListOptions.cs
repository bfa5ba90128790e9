namespace Dify.Storage.Azure.Blobs;

/// <summary>One page request of List Blobs.</summary>
public sealed record BlobListOptions
{
    /// <summary>Only names starting with this.</summary>
    public string? Prefix { get; init; }

    /// <summary>Continue after a previous page: its <see cref="BlobPage.NextMarker"/>.</summary>
    public string? Marker { get; init; }

    /// <summary>Page size, 1..5000 (service default 5000).</summary>
    public int? MaxResults { get; init; }

    /// <summary>Fill <see cref="BlobItem.Metadata"/>.</summary>
    public bool IncludeMetadata { get; init; }
}
