using System.IO.Compression;
using System.Text;

namespace Dify.Edge.Tests;

/// <summary>
/// The generated defect classifier recomputed independently: probabilities = softmax(flatten(image) · W + b) with
/// W[k, c] = ((31k + 17c) mod 23 - 11) / 50 and b[c] = (c - 1.5) / 10 (generate_models.py).
/// </summary>
public static class Classifier
{
    public static readonly string[] Labels = ["ok", "scratch", "dent", "crack"];

    public static double[] Probabilities(IReadOnlyList<double> flat)
    {
        var logits = new double[4];
        for (var c = 0; c < 4; c++)
        {
            double sum = (c - 1.5) / 10.0;
            for (var k = 0; k < 192; k++) sum += flat[k] * ((((31 * k) + (17 * c)) % 23) - 11) / 50.0;
            logits[c] = sum;
        }

        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }

    /// <summary>NCHW input of an 8x8 RGB frame with no resize: (p / 255 - mean) / std per channel.</summary>
    public static double[] ImageInput(byte[] rgb, double mean, double std)
    {
        var flat = new double[192];
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < 64; i++)
                flat[(c * 64) + i] = ((rgb[(i * 3) + c] / 255.0) - mean) / std;
        return flat;
    }

    /// <summary>A deterministic 8x8 RGB frame; <paramref name="seed"/> varies it.</summary>
    public static byte[] Frame(int seed)
    {
        var rgb = new byte[8 * 8 * 3];
        for (var i = 0; i < rgb.Length; i++) rgb[i] = (byte)(((i * 37) + (seed * 101) + ((i % 3) * seed * 53)) % 256);
        return rgb;
    }

    /// <summary>A minimal PNG encoder (RGB, 8 bit, filter "up" on every row so the decoder's filters are exercised).</summary>
    public static byte[] Png(byte[] rgb, int width, int height)
    {
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(2); // Up
            for (var x = 0; x < width * 3; x++)
            {
                var above = y > 0 ? rgb[((y - 1) * width * 3) + x] : 0;
                raw.WriteByte((byte)(rgb[(y * width * 3) + x] - above));
            }
        }

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    public static byte[] Ppm(byte[] rgb, int width, int height) =>
        [.. Encoding.ASCII.GetBytes($"P6\n# test\n{width} {height}\n255\n"), .. rgb];

    private static void Chunk(Stream s, string type, byte[] body)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
        s.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(body);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. typeBytes, .. body]));
        s.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }

        return ~crc;
    }
}
