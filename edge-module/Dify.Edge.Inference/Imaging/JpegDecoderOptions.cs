namespace Dify.Edge.Inference.Imaging;

/// <summary>Limits for <see cref="JpegDecoder"/>; checked against the frame header before any pixel buffer is allocated.</summary>
public sealed class JpegDecoderOptions
{
    /// <summary>Largest width x height accepted (default 64 Mi pixels, about 200 MB of RGB output).</summary>
    public long MaxPixels { get; set; } = 64L * 1024 * 1024;
}
