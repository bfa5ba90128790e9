namespace Dify.Edge.Inference.Imaging;

/// <summary>A JPEG stream that is corrupt or truncated; <see cref="Offset"/> is the byte position where decoding gave up.</summary>
public sealed class JpegFormatException : FormatException
{
    public JpegFormatException(string message, long offset)
        : base($"{message} (JPEG byte offset {offset})")
    {
        Offset = offset;
    }

    public long Offset { get; }
}
