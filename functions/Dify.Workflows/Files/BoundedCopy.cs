namespace Dify.Workflows.Files;

/// <summary>Copies a stream while counting, and stops as soon as a limit is passed (never buffers unbounded input).</summary>
public static class BoundedCopy
{
    /// <summary>Copies at most <paramref name="maxBytes"/>; returns the byte count, or -1 when the source holds more.</summary>
    public static async Task<long> CopyAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        while (true)
        {
            var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0) return total;
            total += read;
            if (total > maxBytes) return -1;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a whole stream into memory, failing with <paramref name="tooLarge"/> past the limit.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream source, long maxBytes, Func<string> tooLarge, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        if (await CopyAsync(source, memory, maxBytes, cancellationToken).ConfigureAwait(false) < 0)
            throw new FileStorageException(tooLarge());
        return memory.ToArray();
    }

    /// <summary>"512 bytes", "1.50 KB", "2.00 MB" (Dify's readable sizes).</summary>
    public static string Readable(long size) => size switch
    {
        < 1024 => $"{size} bytes",
        < 1024 * 1024 => (size / 1024.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " KB",
        _ => (size / 1024.0 / 1024.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " MB",
    };
}
