namespace Dify.Edge.Inference.Processing;

/// <summary>Byte order of a packed 8-bit, 3-channel camera frame.</summary>
public enum PixelFormat
{
    Rgb24,
    Bgr24,
}

/// <summary>Model input geometry and normalisation. Defaults: 224x224, ImageNet mean/std on [0,1] pixels.</summary>
public sealed class ImagePreprocessingOptions
{
    public int Width { get; set; } = 224;

    public int Height { get; set; } = 224;

    /// <summary>Per-channel mean, R, G, B, applied after <see cref="Scale"/>.</summary>
    public float[] Mean { get; set; } = [0.485f, 0.456f, 0.406f];

    /// <summary>Per-channel standard deviation, R, G, B.</summary>
    public float[] Std { get; set; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Multiplier from byte values to the model's range (1/255: [0,1]).</summary>
    public float Scale { get; set; } = 1f / 255f;
}

/// <summary>
/// Camera frame to model input: bilinear resize (half-pixel centres, edges clamped, as OpenCV's INTER_LINEAR),
/// value = (pixel * Scale - Mean[c]) / Std[c], HWC bytes to planar NCHW float32 in RGB channel order.
/// Immutable; safe to share between threads.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly int width;
    private readonly int height;
    private readonly float[] multiply = new float[3];
    private readonly float[] add = new float[3];

    public ImagePreprocessor(ImagePreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1);
        if (options.Mean.Length != 3 || options.Std.Length != 3) throw new ArgumentException("Mean and Std need 3 values (R, G, B)", nameof(options));
        width = options.Width;
        height = options.Height;
        for (var c = 0; c < 3; c++)
        {
            if (options.Std[c] == 0) throw new ArgumentException("Std values must be non-zero", nameof(options));
            multiply[c] = options.Scale / options.Std[c];
            add[c] = -options.Mean[c] / options.Std[c];
        }
    }

    public int Width => width;

    public int Height => height;

    /// <summary>Floats one image occupies in an NCHW batch: 3 * Height * Width.</summary>
    public int ImageLength => 3 * width * height;

    /// <summary>One frame as a [1, 3, Height, Width] tensor.</summary>
    public Tensor<float> ToTensor(ReadOnlySpan<byte> pixels, int sourceWidth, int sourceHeight, PixelFormat format, int rowStride = 0)
    {
        var data = new float[ImageLength];
        Write(pixels, sourceWidth, sourceHeight, format, data, rowStride);
        return new Tensor<float>(data, [1, 3, height, width]);
    }

    /// <summary>
    /// Writes one frame into <paramref name="destination"/> (3 planes of Height x Width, R then G then B), e.g. a
    /// slice of a batch buffer. <paramref name="rowStride"/> is bytes per source row (0: sourceWidth * 3).
    /// </summary>
    public void Write(ReadOnlySpan<byte> pixels, int sourceWidth, int sourceHeight, PixelFormat format, Span<float> destination, int rowStride = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceHeight, 1);
        var stride = rowStride == 0 ? sourceWidth * 3 : rowStride;
        if (stride < sourceWidth * 3) throw new ArgumentOutOfRangeException(nameof(rowStride), rowStride, "shorter than a row of pixels");
        if (pixels.Length < ((sourceHeight - 1) * stride) + (sourceWidth * 3)) throw new ArgumentException("pixel buffer is smaller than the frame", nameof(pixels));
        if (destination.Length < ImageLength) throw new ArgumentException($"destination needs {ImageLength} floats", nameof(destination));

        var xs = Taps(sourceWidth, width);
        var ys = Taps(sourceHeight, height);
        var plane = width * height;
        // Output channel c (R, G, B) reads source byte offset c (RGB) or 2 - c (BGR).
        Span<int> source = format == PixelFormat.Bgr24 ? [2, 1, 0] : [0, 1, 2];
        for (var y = 0; y < height; y++)
        {
            var (y0, y1, wy) = ys[y];
            var row0 = pixels.Slice(y0 * stride);
            var row1 = pixels.Slice(y1 * stride);
            for (var x = 0; x < width; x++)
            {
                var (x0, x1, wx) = xs[x];
                var output = (y * width) + x;
                for (var c = 0; c < 3; c++)
                {
                    var s = source[c];
                    var top = row0[(x0 * 3) + s] + ((row0[(x1 * 3) + s] - row0[(x0 * 3) + s]) * wx);
                    var bottom = row1[(x0 * 3) + s] + ((row1[(x1 * 3) + s] - row1[(x0 * 3) + s]) * wx);
                    var value = top + ((bottom - top) * wy);
                    destination[(c * plane) + output] = (value * multiply[c]) + add[c];
                }
            }
        }
    }

    /// <summary>For each output coordinate: the two source neighbours and the weight of the second.</summary>
    private static (int Low, int High, float Weight)[] Taps(int source, int target)
    {
        var taps = new (int, int, float)[target];
        var ratio = (double)source / target;
        for (var i = 0; i < target; i++)
        {
            var position = Math.Clamp(((i + 0.5) * ratio) - 0.5, 0, source - 1);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, source - 1);
            taps[i] = (low, high, (float)(position - low));
        }

        return taps;
    }
}
