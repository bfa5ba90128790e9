using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// Reads: positional reads (pread) on the shared handle, no lock: a record below <see cref="Count"/> is written before
/// the count is published and never rewritten while it is readable. Chosen over a memory-mapped view (see the README
/// bench figures): it needs no re-mapping as the file grows and no view lifetime shared between readers.
/// </summary>
internal sealed partial class VectorSet
{
    /// <summary>Sorted ordinals at most this many records apart are read in one pread (skipping is dearer than reading).</summary>
    private const int GapRecords = 8;

    private const int ReadBlockBytes = 1 << 20;

    public void Read(long ordinal, Span<float> destination)
    {
        CheckRow(destination.Length);
        var halves = Dimensions <= 2048 ? stackalloc Half[Dimensions] : new Half[Dimensions];
        ReadHalfUnchecked(ordinal, halves);
        TensorPrimitives.ConvertToSingle(halves, destination);
    }

    public void ReadHalf(long ordinal, Span<Half> destination)
    {
        CheckRow(destination.Length);
        ReadHalfUnchecked(ordinal, destination);
    }

    /// <summary>The stored SHA-256 content hash of a record.</summary>
    public void ReadHash(long ordinal, Span<byte> destination)
    {
        if (destination.Length != VectorFileHeader.HashBytes)
            throw new ArgumentException($"The destination must hold {VectorFileHeader.HashBytes} bytes.", nameof(destination));
        CheckOrdinal(ordinal, Count);
        ReadExactly(destination, VectorFileHeader.RecordOffset(ordinal, RecordBytes));
    }

    /// <summary>
    /// Many vectors at once, row i of <paramref name="destination"/> (ordinals.Length × Dimensions) = ordinals[i].
    /// Reads in ordinal order and merges nearby records into one pread of up to 1 MiB, whatever order they come in.
    /// </summary>
    public void ReadMany(ReadOnlySpan<long> ordinals, Span<float> destination)
    {
        CheckRows(ordinals.Length, destination.Length);
        var sink = new SingleSink(destination, Dimensions);
        ReadManyCore(ordinals, ref sink);
    }

    public void ReadMany(ReadOnlySpan<long> ordinals, Span<Half> destination)
    {
        CheckRows(ordinals.Length, destination.Length);
        var sink = new HalfSink(destination, Dimensions);
        ReadManyCore(ordinals, ref sink);
    }

    private void ReadManyCore<TSink>(ReadOnlySpan<long> ordinals, ref TSink sink) where TSink : IRowSink, allows ref struct
    {
        var count = Count;
        for (var i = 0; i < ordinals.Length; i++) CheckOrdinal(ordinals[i], count);
        if (ordinals.IsEmpty) return;
        var sorted = ArrayPool<long>.Shared.Rent(ordinals.Length);
        var rows = ArrayPool<int>.Shared.Rent(ordinals.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ReadBlockBytes, RecordBytes));
        try
        {
            var keys = sorted.AsSpan(0, ordinals.Length);
            var order = rows.AsSpan(0, ordinals.Length);
            ordinals.CopyTo(keys);
            for (var i = 0; i < order.Length; i++) order[i] = i;
            keys.Sort(order);
            var maxRun = buffer.Length / RecordBytes;
            for (var i = 0; i < keys.Length;)
            {
                var first = keys[i];
                var end = i + 1;
                while (end < keys.Length && keys[end] - keys[end - 1] <= GapRecords && keys[end] - first < maxRun) end++;
                var block = buffer.AsSpan(0, (int)(keys[end - 1] - first + 1) * RecordBytes);
                ReadExactly(block, VectorFileHeader.RecordOffset(first, RecordBytes));
                for (var k = i; k < end; k++)
                {
                    var record = block.Slice((int)(keys[k] - first) * RecordBytes + VectorFileHeader.HashBytes, Dimensions * sizeof(ushort));
                    sink.Write(order[k], MemoryMarshal.Cast<byte, Half>(record));
                }
                i = end;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<int>.Shared.Return(rows);
            ArrayPool<long>.Shared.Return(sorted);
        }
    }

    private void ReadHalfUnchecked(long ordinal, Span<Half> destination)
    {
        CheckOrdinal(ordinal, Count);
        ReadExactly(MemoryMarshal.AsBytes(destination), VectorFileHeader.RecordOffset(ordinal, RecordBytes) + VectorFileHeader.HashBytes);
    }

    private void ReadExactly(Span<byte> destination, long offset) => VectorHashScan.ReadExactly(_file, Path, destination, offset);

    private void CheckOrdinal(long ordinal, long count)
    {
        if ((ulong)ordinal >= (ulong)count)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"Vector file '{Path}' of model '{ModelKey}' has {count} readable records; ordinal {ordinal} does not exist.");
    }

    private void CheckRow(int length)
    {
        if (length != Dimensions)
            throw new ArgumentException($"The destination holds {length} values; vectors of model '{ModelKey}' have {Dimensions}.", "destination");
    }

    private void CheckRows(int rows, int length)
    {
        if (length != (long)rows * Dimensions)
            throw new ArgumentException($"The destination holds {length} values; {rows} vectors of model '{ModelKey}' need {(long)rows * Dimensions}.", "destination");
    }

    private interface IRowSink
    {
        void Write(int row, ReadOnlySpan<Half> vector);
    }

    private readonly ref struct SingleSink(Span<float> destination, int dimensions) : IRowSink
    {
        private readonly Span<float> _destination = destination;

        public void Write(int row, ReadOnlySpan<Half> vector) => TensorPrimitives.ConvertToSingle(vector, _destination.Slice(row * dimensions, dimensions));
    }

    private readonly ref struct HalfSink(Span<Half> destination, int dimensions) : IRowSink
    {
        private readonly Span<Half> _destination = destination;

        public void Write(int row, ReadOnlySpan<Half> vector) => vector.CopyTo(_destination.Slice(row * dimensions, dimensions));
    }
}
