using System.Security.Cryptography;
using System.Text;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// File names for model keys: the readable part keeps [A-Za-z0-9._-] (anything else, and a leading '.' that would hide the file, becomes '_'; at most 48 chars)
/// and a hash suffix of the exact key keeps names unique where the readable parts collide ("a/b" vs "a_b", or case on
/// a case-insensitive disk). The file's header carries the full key hash, so even a suffix collision is caught.
/// </summary>
internal static class VectorFileName
{
    public const string Extension = ".vec";
    private const int ReadableLength = 48;

    public static string For(string modelKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelKey);
        var readable = new StringBuilder(Math.Min(modelKey.Length, ReadableLength));
        foreach (var c in modelKey)
        {
            if (readable.Length == ReadableLength) break;
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && readable.Length > 0) ? c : '_');
        }
        var suffix = Convert.ToHexStringLower(KeyHash(modelKey).AsSpan(0, 5));
        return $"{readable}-{suffix}{Extension}";
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes: stored in the header to prove a file belongs to its model.</summary>
    public static byte[] KeyHash(string modelKey) => SHA256.HashData(Encoding.UTF8.GetBytes(modelKey));

    /// <summary>True for a bare file name this class could have produced (guards the name read back from SQLite).</summary>
    public static bool IsPlain(string name) =>
        name.EndsWith(Extension, StringComparison.Ordinal) && name.Length > Extension.Length
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name[0] != '.';
}
