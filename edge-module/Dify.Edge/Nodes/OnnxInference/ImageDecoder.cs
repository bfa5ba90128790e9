using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Dify.Edge.Inference.Imaging;

namespace Dify.Edge.Nodes.OnnxInference;

/// <summary>A decoded frame: packed 8-bit RGB, row-major.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels);

/// <summary>
/// Decodes the frame formats cameras on the line hand us without a native codec: PNG (8-bit gray, gray+alpha, RGB,
/// RGBA; non-interlaced), baseline JPEG (FF D8 FF; see <see cref="JpegDecoder"/>), binary PPM/PGM (P6/P5, maxval 255),
/// and raw RGB24 when the size is known.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Default frame size limit (width x height); the module passes <c>Inference:MaxImagePixels</c>.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static RgbImage Decode(ReadOnlySpan<byte> data, int? rawWidth = null, int? rawHeight = null, long maxPixels = DefaultMaxPixels)
    {
        if (data.Length >= 8 && data[..8].SequenceEqual(PngSignature)) return DecodePng(data, maxPixels);
        var rawSized = rawWidth is int w && rawHeight is int h && data.Length == w * h * 3;
        if (JpegDecoder.IsJpeg(data))
        {
            try
            {
                var jpeg = JpegDecoder.Decode(data, new JpegDecoderOptions { MaxPixels = maxPixels });
                return new RgbImage(jpeg.Width, jpeg.Height, jpeg.Rgb);
            }
            catch (JpegFormatException) when (rawSized)
            {
                // A raw frame whose first pixel happens to read FF D8 FF: its exact size says raw.
            }
        }

        if (data.Length >= 2 && data[0] == (byte)'P' && data[1] is (byte)'5' or (byte)'6') return DecodePnm(data, maxPixels);
        if (rawSized) return new RgbImage(rawWidth!.Value, rawHeight!.Value, data.ToArray());
        throw new NotSupportedException($"unrecognised image ({data.Length} bytes): expected PNG, baseline JPEG, binary PPM/PGM, or raw RGB24 of the preprocessing width x height");
    }

    private static RgbImage DecodePnm(ReadOnlySpan<byte> data, long maxPixels)
    {
        var position = 2;
        var fields = new int[3];
        for (var f = 0; f < 3; f++)
        {
            SkipSpaceAndComments(data, ref position);
            var start = position;
            while (position < data.Length && char.IsAsciiDigit((char)data[position])) position++;
            if (start == position) throw new FormatException("malformed PNM header");
            fields[f] = int.Parse(Encoding.ASCII.GetString(data[start..position]), System.Globalization.CultureInfo.InvariantCulture);
        }

        position++; // the single whitespace byte before the raster
        var (width, height, maxValue) = (fields[0], fields[1], fields[2]);
        if (maxValue != 255) throw new NotSupportedException("only 8-bit PNM (maxval 255) is supported");
        CheckSize(width, height, maxPixels);
        var channels = data[1] == (byte)'6' ? 3 : 1;
        var raster = data[position..];
        if (raster.Length < width * height * channels) throw new FormatException("PNM raster is shorter than its header says");
        return new RgbImage(width, height, ToRgb(raster[..(width * height * channels)], width * height, channels));
    }

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (data[position] == (byte)'#')
            {
                while (position < data.Length && data[position] != (byte)'\n') position++;
            }
            else if (char.IsWhiteSpace((char)data[position])) position++;
            else return;
        }
    }

    private static RgbImage DecodePng(ReadOnlySpan<byte> data, long maxPixels)
    {
        var position = 8;
        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        while (position + 8 <= data.Length)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[position..]));
            var type = Encoding.ASCII.GetString(data.Slice(position + 4, 4));
            if (position + 12 + length > data.Length) throw new FormatException("truncated PNG chunk " + type);
            var body = data.Slice(position + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = (int)BinaryPrimitives.ReadUInt32BigEndian(body);
                    height = (int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
                    var bitDepth = body[8];
                    var colorType = body[9];
                    if (bitDepth != 8) throw new NotSupportedException($"PNG bit depth {bitDepth} is not supported (8 only)");
                    if (body[12] != 0) throw new NotSupportedException("interlaced PNG is not supported");
                    channels = colorType switch
                    {
                        0 => 1,
                        2 => 3,
                        4 => 2,
                        6 => 4,
                        _ => throw new NotSupportedException($"PNG color type {colorType} is not supported (palette images are not)"),
                    };
                    CheckSize(width, height, maxPixels);
                    break;
                case "IDAT":
                    compressed.Write(body);
                    break;
                case "IEND":
                    position = data.Length;
                    continue;
            }

            position += 12 + length;
        }

        if (channels == 0) throw new FormatException("PNG without IHDR");
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.ReadExactly(raw);
        }

        var pixels = Unfilter(raw, stride, height, channels);
        return new RgbImage(width, height, ToRgb(pixels, width * height, channels));
    }

    private static byte[] Unfilter(byte[] raw, int stride, int height, int bpp)
    {
        var output = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var current = output.AsSpan(y * stride, stride);
            var previous = y > 0 ? output.AsSpan((y - 1) * stride, stride) : Span<byte>.Empty;
            for (var x = 0; x < stride; x++)
            {
                int a = x >= bpp ? current[x - bpp] : 0;
                int b = y > 0 ? previous[x] : 0;
                int c = x >= bpp && y > 0 ? previous[x - bpp] : 0;
                current[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new FormatException($"PNG filter {filter} is not valid"),
                });
            }
        }

        return output;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte[] ToRgb(ReadOnlySpan<byte> pixels, int count, int channels)
    {
        if (channels == 3) return pixels[..(count * 3)].ToArray();
        var rgb = new byte[count * 3];
        for (var i = 0; i < count; i++)
        {
            if (channels <= 2)
            {
                var g = pixels[i * channels];
                rgb[i * 3] = rgb[(i * 3) + 1] = rgb[(i * 3) + 2] = g;
            }
            else
            {
                pixels.Slice(i * channels, 3).CopyTo(rgb.AsSpan(i * 3, 3));
            }
        }

        return rgb;
    }

    private static void CheckSize(int width, int height, long maxPixels)
    {
        if (width < 1 || height < 1 || (long)width * height > maxPixels) throw new FormatException($"image size {width}x{height} is out of range (limit {maxPixels} pixels, Inference:MaxImagePixels)");
    }
}
