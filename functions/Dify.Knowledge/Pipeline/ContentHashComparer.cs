using System.Buffers.Binary;

namespace Dify.Knowledge.Pipeline;

/// <summary>Compares SHA-256 content hashes by value (cheaper than keying dictionaries by their hex strings).</summary>
internal sealed class ContentHashComparer : IEqualityComparer<byte[]>
{
    public static readonly ContentHashComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    // A cryptographic hash's leading bytes are already uniformly spread.
    public int GetHashCode(byte[] obj) => obj.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(obj) : obj.Length;
}
