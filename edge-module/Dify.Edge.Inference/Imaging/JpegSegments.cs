using System.Buffers.Binary;

namespace Dify.Edge.Inference.Imaging;

/// <summary>Parses the marker segments that set up decoding: SOF (frame), DQT, DHT and SOS (scan header).</summary>
internal static class JpegSegments
{
    public static JpegFrame ReadFrame(ReadOnlySpan<byte> segment, int offset, int marker, JpegDecoderOptions options)
    {
        if (segment.Length < 6) throw new JpegFormatException("frame header (SOF) is too short", offset);
        var precision = segment[0];
        if (precision != 8) throw new NotSupportedException($"JPEG {precision}-bit samples (SOF{marker - 0xC0}) are not supported; only 8-bit baseline");
        var height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
        var width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
        var count = segment[5];
        if (height == 0) throw new NotSupportedException("JPEG with height 0 in the frame header (DNL) is not supported");
        if (width == 0) throw new JpegFormatException("frame header (SOF) declares width 0", offset + 3);
        if ((long)width * height > options.MaxPixels)
            throw new JpegFormatException($"image {width}x{height} exceeds the {options.MaxPixels}-pixel limit", offset + 1);
        if (count == 4) throw new NotSupportedException("JPEG CMYK/YCCK (4 components) is not supported; re-encode as RGB baseline");
        if (count is not (1 or 3)) throw new NotSupportedException($"JPEG with {count} components is not supported (1 or 3 only)");
        if (segment.Length < 6 + (3 * count)) throw new JpegFormatException("frame header (SOF) is shorter than its component list", offset);

        var components = new JpegComponent[count];
        for (var i = 0; i < count; i++)
        {
            var entry = segment.Slice(6 + (3 * i), 3);
            int h = entry[1] >> 4, v = entry[1] & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4) throw new JpegFormatException($"component {entry[0]} has invalid sampling factors {h}x{v}", offset + 7 + (3 * i));
            if (entry[2] > 3) throw new JpegFormatException($"component {entry[0]} names quantization table {entry[2]} (0-3 allowed)", offset + 8 + (3 * i));
            components[i] = new JpegComponent(entry[0], h, v, entry[2]);
        }

        var frame = new JpegFrame(width, height, count == 1 ? [new JpegComponent(components[0].Id, 1, 1, components[0].QuantTable)] : components);
        foreach (var component in frame.Components)
        {
            if (frame.MaxH % component.H != 0 || frame.MaxV % component.V != 0)
                throw new NotSupportedException($"JPEG sampling factors {component.H}x{component.V} against {frame.MaxH}x{frame.MaxV} (non-integer ratio) are not supported");
        }

        frame.AllocatePlanes();
        return frame;
    }

    public static void ReadQuantTables(ReadOnlySpan<byte> segment, int offset, int[][] tables)
    {
        var i = 0;
        while (i < segment.Length)
        {
            var precision = segment[i] >> 4;
            var id = segment[i] & 15;
            if (precision > 1 || id > 3) throw new JpegFormatException($"DQT entry with precision {precision} / table {id} is invalid", offset + i);
            var size = precision == 0 ? 64 : 128;
            if (i + 1 + size > segment.Length) throw new JpegFormatException($"DQT table {id} is shorter than 64 entries", offset + i);
            var table = new int[64];
            for (var k = 0; k < 64; k++)
                table[JpegScanDecoder.ZigZag[k]] = precision == 0 ? segment[i + 1 + k] : BinaryPrimitives.ReadUInt16BigEndian(segment[(i + 1 + (2 * k))..]);
            tables[id] = table;
            i += 1 + size;
        }
    }

    public static void ReadHuffmanTables(ReadOnlySpan<byte> segment, int offset, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac)
    {
        var i = 0;
        while (i < segment.Length)
        {
            if (i + 17 > segment.Length) throw new JpegFormatException("DHT segment is too short for its code counts", offset + i);
            var tableClass = segment[i] >> 4;
            var id = segment[i] & 15;
            if (tableClass > 1 || id > 3) throw new JpegFormatException($"DHT entry with class {tableClass} / table {id} is invalid", offset + i);
            var counts = segment.Slice(i + 1, 16);
            var total = 0;
            foreach (var count in counts) total += count;
            if (total > 256 || i + 17 + total > segment.Length) throw new JpegFormatException($"DHT table {id} declares {total} symbols but the segment is shorter", offset + i);
            var table = new JpegHuffmanTable(counts, segment.Slice(i + 17, total), offset + i);
            (tableClass == 0 ? dc : ac)[id] = table;
            i += 17 + total;
        }
    }

    public static JpegScanComponent[] ReadScanHeader(ReadOnlySpan<byte> segment, int offset, JpegFrame frame,
        JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int[][] quantTables)
    {
        if (segment.Length < 1) throw new JpegFormatException("scan header (SOS) is empty", offset);
        var count = segment[0];
        if (count is < 1 or > 4 || segment.Length < 1 + (2 * count) + 3) throw new JpegFormatException($"scan header (SOS) with {count} components is malformed", offset);
        var components = new JpegScanComponent[count];
        var blocksPerMcu = 0;
        for (var i = 0; i < count; i++)
        {
            var id = segment[1 + (2 * i)];
            var tables = segment[2 + (2 * i)];
            var component = Array.Find(frame.Components, c => c.Id == id)
                ?? throw new JpegFormatException($"scan names component {id}, which the frame does not have", offset + 1 + (2 * i));
            var dcTable = dc[(tables >> 4) & 3] ?? throw new JpegFormatException($"scan uses DC Huffman table {tables >> 4}, which was never defined", offset + 2 + (2 * i));
            var acTable = ac[tables & 3] ?? throw new JpegFormatException($"scan uses AC Huffman table {tables & 15}, which was never defined", offset + 2 + (2 * i));
            if (quantTables[component.QuantTable] is null) throw new JpegFormatException($"component {id} uses quantization table {component.QuantTable}, which was never defined", offset);
            components[i] = new JpegScanComponent(component, dcTable, acTable);
            blocksPerMcu += component.H * component.V;
        }

        if (count > 1 && blocksPerMcu > 10) throw new JpegFormatException($"scan MCU has {blocksPerMcu} blocks (10 at most)", offset);
        var spectralStart = segment[1 + (2 * count)];
        var spectralEnd = segment[2 + (2 * count)];
        if (spectralStart != 0 || spectralEnd != 63) throw new JpegFormatException($"sequential scan with spectral selection {spectralStart}..{spectralEnd} (must be 0..63)", offset);
        return components;
    }
}
