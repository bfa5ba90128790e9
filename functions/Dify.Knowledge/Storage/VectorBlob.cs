using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace Dify.Knowledge.Storage;

/// <summary>
/// Vectors as little-endian blobs; embeddings.format says which. New vectors are written as float16: half the bytes
/// of float32 (vector writes dominate ingestion), and its 11-bit precision changes a cosine by about 1e-4, far below
/// what reorders search results. Rows written before the format column existed are float32 (format 0).
/// </summary>
internal static class VectorBlob
{
    public const int Float32 = 0;
    public const int Float16 = 1;

    /// <summary>The format new vectors are written in.</summary>
    public const int Current = Float16;

    public static byte[] Write(ReadOnlySpan<float> vector)
    {
        var blob = new byte[vector.Length * sizeof(ushort)];
        TensorPrimitives.ConvertToHalf(vector, MemoryMarshal.Cast<byte, Half>(blob.AsSpan()));
        return blob;
    }

    public static float[] Read(byte[] blob, long format)
    {
        ArgumentNullException.ThrowIfNull(blob);
        switch (format)
        {
            case Float32:
                return MemoryMarshal.Cast<byte, float>(blob).ToArray();
            case Float16:
                var vector = new float[blob.Length / sizeof(ushort)];
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(blob.AsSpan()), vector);
                return vector;
            default:
                throw new InvalidDataException($"Unknown vector format {format} in the knowledge file's embeddings table.");
        }
    }
}
