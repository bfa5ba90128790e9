using System.Security.Cryptography;
using System.Text;

namespace Dify.Durable.Embedded;

/// <summary>Name-based (version 5, RFC 4122) UUIDs from (instance id, counter): the same on every replay.</summary>
internal static class DeterministicGuid
{
    // RFC 4122 URL namespace, in network byte order.
    private static ReadOnlySpan<byte> Namespace =>
        [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];

    public static Guid Create(string instanceId, int counter)
    {
        var name = Encoding.UTF8.GetBytes($"{instanceId}_{counter}");
        var data = new byte[Namespace.Length + name.Length];
        Namespace.CopyTo(data);
        name.CopyTo(data.AsSpan(Namespace.Length));
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(data, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
