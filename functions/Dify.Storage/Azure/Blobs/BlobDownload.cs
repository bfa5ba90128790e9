namespace Dify.Storage.Azure.Blobs;

/// <summary>
/// A blob being read: <see cref="Content"/> streams from the network (nothing is buffered). Dispose it.
/// For a range, <see cref="BlobProperties.ContentLength"/> is the whole blob's size and
/// <see cref="ContentLength"/> the bytes in <see cref="Content"/>.
/// </summary>
public sealed class BlobDownload(Stream content, long contentLength, BlobProperties properties) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;

    /// <summary>Bytes this response carries (the range's length for ranged reads).</summary>
    public long ContentLength { get; } = contentLength;

    public BlobProperties Properties { get; } = properties;

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}
