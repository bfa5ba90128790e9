using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// One embedding model's append-only vector file: record i (ordinal i, stable forever) is a 32-byte SHA-256 content
/// hash then the vector as little-endian float16. Only records below the committed count (kept in SQLite's
/// vector_files row, moved in the caller's transaction) are real; records past it are a crash's garbage and are
/// overwritten by the next append. Writer protocol (one writer: the holder of the knowledge file's write connection):
/// <see cref="Append"/> → <see cref="StageCommitAsync"/> inside the transaction → <see cref="Committed"/> after COMMIT
/// or <see cref="RolledBack"/> after ROLLBACK. Reads (<c>VectorSet.Reads.cs</c>) are lock-free positional reads, safe
/// from any thread while the writer appends.
/// </summary>
internal sealed partial class VectorSet : IDisposable
{
    /// <summary>Appends are written in pieces of about this size (one pwrite each).</summary>
    private const int WriteChunkBytes = 1 << 20;

    private readonly SafeFileHandle _file;
    private readonly Lock _writer = new();
    private VectorHashIndex? _committedIndex;
    private VectorHashIndex _pendingIndex = new();
    private readonly List<ulong> _pendingKeys = [];
    private long _committed;
    private long _count;
    private long _staged;

    internal VectorSet(string path, string modelKey, SafeFileHandle file, int dimensions, long committed)
    {
        Path = path;
        ModelKey = modelKey;
        Dimensions = dimensions;
        RecordBytes = VectorFileHeader.HashBytes + dimensions * sizeof(ushort);
        _file = file;
        _committed = _count = _staged = committed;
    }

    public string Path { get; }
    public string ModelKey { get; }
    public int Dimensions { get; }
    public int RecordBytes { get; }

    /// <summary>Records committed in SQLite (what a fresh process would see).</summary>
    public long CommittedCount => Volatile.Read(ref _committed);

    /// <summary>Committed plus pending records: every ordinal below it can be read.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Bytes of the dedupe index (committed + pending), 0 until the first <see cref="TryFind"/>.</summary>
    public long IndexBytes
    {
        get { lock (_writer) return (_committedIndex?.MemoryBytes ?? 0) + _pendingIndex.MemoryBytes; }
    }

    /// <summary>
    /// Writes the vectors as new records at the tail (after committed and pending ones) and returns their ordinals.
    /// They are pending until <see cref="StageCommitAsync"/> + <see cref="Committed"/>. Not synced to disk here:
    /// <see cref="StageCommitAsync"/> syncs once before the count moves, which is what ordering needs (data durable
    /// before SQLite can point at it) at one fsync per transaction instead of one per batch.
    /// </summary>
    public long[] Append(IReadOnlyList<(byte[] Hash, float[] Vector)> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = 0; i < batch.Count; i++)
        {
            var (hash, vector) = batch[i];
            if (hash is null || hash.Length != VectorFileHeader.HashBytes)
                throw new ArgumentException($"Item {i} of the batch for model '{ModelKey}' has a {hash?.Length ?? 0}-byte hash; a SHA-256 of {VectorFileHeader.HashBytes} bytes is required.", nameof(batch));
            if (vector is null || vector.Length != Dimensions)
                throw new ArgumentException($"Item {i} of the batch for model '{ModelKey}' has {vector?.Length ?? 0} dimensions; '{Path}' holds {Dimensions}-dimensional vectors.", nameof(batch));
            // float16 turns NaN into NaN and anything past ±65504 into infinity: refuse both rather than store them.
            var magnitude = TensorPrimitives.MaxMagnitude(vector);
            if (float.IsNaN(magnitude) || Math.Abs(magnitude) > (float)Half.MaxValue)
                throw new ArgumentException($"Item {i} of the batch for model '{ModelKey}' has a component of {magnitude}; stored vectors must be finite and within ±{(float)Half.MaxValue} (float16).", nameof(batch));
        }
        var ordinals = new long[batch.Count];
        if (batch.Count == 0) return ordinals;
        lock (_writer)
        {
            var first = _count;
            if (first + batch.Count - 1 > VectorHashIndex.MaxOrdinal)
                throw new InvalidOperationException($"Vector file '{Path}' is full: it holds at most {VectorHashIndex.MaxOrdinal + 1} records.");
            var perChunk = Math.Max(1, WriteChunkBytes / RecordBytes);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(batch.Count, perChunk) * RecordBytes);
            try
            {
                for (var start = 0; start < batch.Count; start += perChunk)
                {
                    var n = Math.Min(perChunk, batch.Count - start);
                    var span = buffer.AsSpan(0, n * RecordBytes);
                    for (var i = 0; i < n; i++)
                    {
                        var record = span.Slice(i * RecordBytes, RecordBytes);
                        var (hash, vector) = batch[start + i];
                        hash.CopyTo(record);
                        TensorPrimitives.ConvertToHalf(vector, MemoryMarshal.Cast<byte, Half>(record[VectorFileHeader.HashBytes..]));
                    }
                    RandomAccess.Write(_file, span, VectorFileHeader.RecordOffset(first + start, RecordBytes));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            for (var i = 0; i < batch.Count; i++)
            {
                var key = VectorHashIndex.KeyOf(batch[i].Hash);
                ordinals[i] = first + i;
                _pendingKeys.Add(key);
                _pendingIndex.Add(key, first + i);
            }
            Volatile.Write(ref _count, first + batch.Count);
        }
        return ordinals;
    }

    /// <summary>
    /// Finds a committed or pending record with this exact SHA-256. The first call builds the index by scanning the
    /// hash column of the committed records (8-byte prefixes); every hit is verified against all 32 bytes in the file.
    /// </summary>
    public bool TryFind(ReadOnlySpan<byte> sha256, out long ordinal)
    {
        if (sha256.Length != VectorFileHeader.HashBytes)
            throw new ArgumentException($"A content hash is a {VectorFileHeader.HashBytes}-byte SHA-256, not {sha256.Length} bytes.", nameof(sha256));
        var key = VectorHashIndex.KeyOf(sha256);
        lock (_writer)
        {
            _committedIndex ??= VectorHashScan.Build(_file, Path, _committed, RecordBytes);
            foreach (var candidate in _committedIndex.Candidates(key))
                if (HashAt(candidate, sha256)) return Found(candidate, out ordinal);
            foreach (var candidate in _pendingIndex.Candidates(key))
                if (HashAt(candidate, sha256)) return Found(candidate, out ordinal);
        }
        ordinal = -1;
        return false;

        static bool Found(long candidate, out long ordinal)
        {
            ordinal = candidate;
            return true;
        }
    }

    /// <summary>
    /// Inside the caller's SQLite transaction: syncs the appended records to disk, then moves the vector_files count
    /// to cover them. Throws when the row is not where this set left it (another writer, or a restored file).
    /// </summary>
    public async Task StageCommitAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        long committed, count;
        lock (_writer) (committed, count) = (_committed, _count);
        if (count == committed) return;
        RandomAccess.FlushToDisk(_file);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE vector_files SET count = $count WHERE model = $model AND count BETWEEN $committed AND $count";
        command.Parameters.AddWithValue("$count", count);
        command.Parameters.AddWithValue("$model", ModelKey);
        command.Parameters.AddWithValue("$committed", committed);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            throw new InvalidOperationException($"The vector_files row of model '{ModelKey}' is out of step with '{Path}': expected a committed count of {committed}.");
        lock (_writer) _staged = count;
    }

    /// <summary>After the transaction that ran <see cref="StageCommitAsync"/> committed: staged records become committed.</summary>
    public void Committed()
    {
        lock (_writer) CommitStaged();
    }

    /// <summary>After a rollback: pending records are discarded and their ordinals will be reused.</summary>
    public void RolledBack()
    {
        lock (_writer)
        {
            _staged = _committed;
            _pendingKeys.Clear();
            _pendingIndex = new VectorHashIndex();
            Volatile.Write(ref _count, _committed);
        }
    }

    /// <summary>Brings the set in line with the count SQLite holds (a caller that forgot <see cref="Committed"/>).</summary>
    internal void Reconcile(long committedInSqlite)
    {
        lock (_writer)
        {
            if (committedInSqlite == _committed) return;
            if (committedInSqlite == _staged && _staged > _committed)
            {
                CommitStaged();
                return;
            }
            throw new InvalidOperationException(
                $"Vector file '{Path}' is out of step with the knowledge file: vector_files says {committedInSqlite} committed records, this process has {_committed}.");
        }
    }

    private void CommitStaged()
    {
        var moved = (int)(_staged - _committed);
        if (moved <= 0) return;
        if (_committedIndex is not null)
            for (var i = 0; i < moved; i++) _committedIndex.Add(_pendingKeys[i], _committed + i);
        _pendingKeys.RemoveRange(0, moved);
        _pendingIndex = new VectorHashIndex(_pendingKeys.Count);
        for (var i = 0; i < _pendingKeys.Count; i++) _pendingIndex.Add(_pendingKeys[i], _staged + i);
        Volatile.Write(ref _committed, _staged);
    }

    private bool HashAt(long ordinal, ReadOnlySpan<byte> sha256)
    {
        Span<byte> stored = stackalloc byte[VectorFileHeader.HashBytes];
        ReadExactly(stored, VectorFileHeader.RecordOffset(ordinal, RecordBytes));
        return stored.SequenceEqual(sha256);
    }

    public void Dispose() => _file.Dispose();

    public override string ToString() => $"{ModelKey} ({Path}, {CommittedCount} committed of {Count})";
}
