namespace Dify.Storage.Azure.Blobs;

/// <summary>What to set on a blob when writing it.</summary>
public sealed record BlobPutOptions
{
    /// <summary>Stored as the blob's Content-Type (default <c>application/octet-stream</c>).</summary>
    public string? ContentType { get; init; }

    /// <summary>Name/value pairs stored as <c>x-ms-meta-*</c>; names are C# identifiers, values ASCII.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Checked when the blob is committed (Put Blob or Put Block List).</summary>
    public BlobConditions? Conditions { get; init; }

    /// <summary>Overrides <see cref="StorageClientOptions.UploadBlockSize"/> for this upload.</summary>
    public int? BlockSize { get; init; }
}
