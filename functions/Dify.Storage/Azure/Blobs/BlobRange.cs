using System.Globalization;

namespace Dify.Storage.Azure.Blobs;

/// <summary>A byte range of a blob: from <see cref="Offset"/>, <see cref="Length"/> bytes (null = to the end).</summary>
public readonly record struct BlobRange(long Offset, long? Length = null)
{
    internal string ToHeader()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Offset);
        if (Length is { } length)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
            return string.Create(CultureInfo.InvariantCulture, $"bytes={Offset}-{Offset + length - 1}");
        }
        return string.Create(CultureInfo.InvariantCulture, $"bytes={Offset}-");
    }
}
