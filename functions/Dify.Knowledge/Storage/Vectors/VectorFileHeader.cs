using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// The 64-byte header of a vector file, little-endian: magic "DIFYVECS", format version (u16), element type (u16,
/// 1 = float16), dimensions (u32), record size in bytes (u32, 32-byte SHA-256 + dimensions × element), header size
/// (u32), SHA-256 of the model key (32 bytes), 8 reserved zero bytes. Records follow: record i starts at
/// HeaderBytes + i × RecordBytes. Any mismatch on open is reported with the file's path and what differs.
/// </summary>
internal readonly record struct VectorFileHeader(int Dimensions, byte[] ModelKeyHash)
{
    public const int HeaderBytes = 64;
    public const int HashBytes = 32;
    public const ushort Version = 1;
    public const ushort ElementFloat16 = 1;
    private static ReadOnlySpan<byte> Magic => "DIFYVECS"u8;

    public int RecordBytes => HashBytes + Dimensions * sizeof(ushort);

    public static long RecordOffset(long ordinal, int recordBytes) => HeaderBytes + ordinal * recordBytes;

    public void Write(SafeFileHandle file)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], ElementFloat16);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Dimensions);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)RecordBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], HeaderBytes);
        ModelKeyHash.CopyTo(header[24..]);
        RandomAccess.Write(file, header, 0);
    }

    /// <summary>Reads and checks the header of <paramref name="path"/> against what the vector_files row says.</summary>
    public static VectorFileHeader Read(SafeFileHandle file, string path, string modelKey, int expectedDimensions)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        var read = RandomAccess.Read(file, header, 0);
        if (read < HeaderBytes)
            throw new InvalidDataException($"Vector file '{path}' is truncated: {read} bytes, shorter than its {HeaderBytes}-byte header.");
        if (!header[..8].SequenceEqual(Magic))
            throw new InvalidDataException($"Vector file '{path}' has a bad header: it does not start with the magic 'DIFYVECS'.");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != Version)
            throw new InvalidDataException($"Vector file '{path}' has format version {version}; this build reads version {Version}.");
        var element = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        if (element != ElementFloat16)
            throw new InvalidDataException($"Vector file '{path}' has element type {element}; only {ElementFloat16} (float16) is supported.");
        var dimensions = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (dimensions != expectedDimensions)
            throw new InvalidDataException($"Vector file '{path}' holds {dimensions}-dimensional vectors but the knowledge file records {expectedDimensions} for model '{modelKey}'.");
        var result = new VectorFileHeader((int)dimensions, header[24..56].ToArray());
        var recordBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        var headerBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        if (recordBytes != result.RecordBytes || headerBytes != HeaderBytes)
            throw new InvalidDataException($"Vector file '{path}' has a bad header: record size {recordBytes} / header size {headerBytes}, expected {result.RecordBytes} / {HeaderBytes}.");
        if (!result.ModelKeyHash.AsSpan().SequenceEqual(VectorFileName.KeyHash(modelKey)))
            throw new InvalidDataException($"Vector file '{path}' belongs to another embedding model than '{modelKey}' (model key hash differs).");
        return result;
    }
}
