using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace Dify.Knowledge.Storage;

/// <summary>
/// The vector blobs of the embeddings table that knowledge files held before vector files (see
/// <see cref="Vectors.EmbeddingsMigration"/>, which reads them): little-endian float32 (format 0, and rows written before
/// the format column existed) or float16 (format 1).
/// </summary>
internal static class VectorBlob
{
    public const int Float32 = 0;
    public const int Float16 = 1;

    /// <summary>A float16 blob (what the last release before vector files wrote; tests build such files with it).</summary>
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
