using System.Runtime.InteropServices;

namespace Dify.Knowledge.Storage;

/// <summary>float32 vectors as little-endian blobs.</summary>
internal static class VectorBlob
{
    public static byte[] Write(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static float[] Read(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();
}
