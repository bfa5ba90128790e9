namespace Dify.Edge.Inference.Imaging;

/// <summary>A decoded JPEG: packed 8-bit RGB, row-major (grayscale images have R = G = B).</summary>
public sealed record JpegImage(int Width, int Height, byte[] Rgb);
