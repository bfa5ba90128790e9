namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// Reads '\n'-terminated lines of UTF-8 bytes from a worker's stdout. StreamReader.ReadLineAsync
/// has no length limit, and a worker answering with a gigabyte line must not take the host down.
/// </summary>
internal sealed class BoundedLineReader(Stream stream)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next line without its '\n', or null at end of stream.</summary>
    /// <exception cref="LineTooLongException">The line is longer than <paramref name="maxBytes"/>.</exception>
    public async Task<byte[]?> ReadLineAsync(int maxBytes, CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline - _start).ToArray();
                _start = newline + 1;
                return line;
            }
            scanned = _end - _start;
            if (scanned > maxBytes) throw new LineTooLongException(scanned);
            MakeRoom();
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            _end += read;
        }
    }

    private void MakeRoom()
    {
        var used = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, used);
            _start = 0;
            _end = used;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
    }
}

internal sealed class LineTooLongException(int length) : Exception($"line longer than {length} bytes");
