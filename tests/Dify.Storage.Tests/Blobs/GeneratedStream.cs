using System.Security.Cryptography;

namespace Dify.Storage.Tests.Blobs;

/// <summary>
/// An unseekable stream of <c>length</c> pseudo-random bytes produced on demand (never held in memory),
/// hashing what it hands out so a test can compare with what comes back.
/// </summary>
internal sealed class GeneratedStream(long length, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    /// <summary>Most bytes asked for in one read; proves callers read in bounded chunks.</summary>
    public int LargestRead { get; private set; }

    public byte[] Sha256() => _hash.GetCurrentHash();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        LargestRead = Math.Max(LargestRead, buffer.Length);
        var n = (int)Math.Min(buffer.Length, length - _position);
        if (n <= 0) return 0;
        var slice = buffer[..n];
        _random.NextBytes(slice);
        _hash.AppendData(slice);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
