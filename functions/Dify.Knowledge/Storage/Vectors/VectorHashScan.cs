using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// Builds the dedupe index of a vector file from its hash column. Records smaller than a page are read in large
/// blocks (the page cache holds every page of them anyway, and one pread per MB beats one per record); records of
/// 4 KiB and more (2000+ dimensions) are read 8 bytes each, so the vectors' pages are never touched.
/// </summary>
internal static class VectorHashScan
{
    private const int BlockBytes = 1 << 20;
    private const int StrideReadFrom = 4096;

    public static VectorHashIndex Build(SafeFileHandle file, string path, long records, int recordBytes)
    {
        var index = new VectorHashIndex(records);
        if (recordBytes >= StrideReadFrom)
        {
            Span<byte> prefix = stackalloc byte[sizeof(ulong)];
            for (long i = 0; i < records; i++)
            {
                ReadExactly(file, path, prefix, VectorFileHeader.RecordOffset(i, recordBytes));
                index.Add(BinaryPrimitives.ReadUInt64LittleEndian(prefix), i);
            }
            return index;
        }
        var perBlock = BlockBytes / recordBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(perBlock * recordBytes);
        try
        {
            for (long first = 0; first < records; first += perBlock)
            {
                var n = (int)Math.Min(perBlock, records - first);
                var block = buffer.AsSpan(0, n * recordBytes);
                ReadExactly(file, path, block, VectorFileHeader.RecordOffset(first, recordBytes));
                for (var i = 0; i < n; i++)
                    index.Add(BinaryPrimitives.ReadUInt64LittleEndian(block[(i * recordBytes)..]), first + i);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return index;
    }

    /// <summary>Reads all of <paramref name="destination"/> or says the file is shorter than its committed records.</summary>
    public static void ReadExactly(SafeFileHandle file, string path, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(file, destination, offset);
            if (read == 0)
                throw new InvalidDataException($"Vector file '{path}' is truncated: it ends at byte {offset}, before the records the knowledge file says it holds.");
            destination = destination[read..];
            offset += read;
        }
    }
}
