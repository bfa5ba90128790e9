namespace Dify.Edge.Templates;

/// <summary>Writes a file so a power cut leaves the old or the new content, never a torn one (temp + fsync + rename).</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static Task WriteAsync(string path, string content, CancellationToken cancellationToken) =>
        WriteAsync(path, System.Text.Encoding.UTF8.GetBytes(content), cancellationToken);
}
