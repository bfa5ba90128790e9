using System.Buffers.Binary;

namespace Dify.Edge.Inference.Imaging;

/// <summary>
/// Baseline JPEG decoder in managed code (the registry here carries no image library): sequential DCT with Huffman
/// coding, SOF0 and SOF1 at 8 bits, grayscale or 3 components (YCbCr, or RGB per Adobe APP14 / component ids),
/// any sampling factors with integer ratios, 8- and 16-bit DQT, DRI/RSTn, multi-scan sequential frames.
/// Progressive, arithmetic, lossless, hierarchical, 12-bit and CMYK frames throw <see cref="NotSupportedException"/>;
/// corrupt or truncated data throws <see cref="JpegFormatException"/> naming the byte offset.
/// EXIF orientation is not applied: pixels come out in stored order.
/// </summary>
public static class JpegDecoder
{
    /// <summary>True when <paramref name="data"/> starts with SOI followed by a marker (FF D8 FF).</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static JpegImage Decode(ReadOnlySpan<byte> data, JpegDecoderOptions? options = null)
    {
        options ??= new JpegDecoderOptions();
        if (data.Length < 2 || data[0] != 0xFF || data[1] != 0xD8) throw new JpegFormatException("not a JPEG: missing SOI marker FF D8", 0);

        var quantTables = new int[4][];
        var dcTables = new JpegHuffmanTable?[4];
        var acTables = new JpegHuffmanTable?[4];
        var restartInterval = 0;
        JpegFrame? frame = null;
        var sawJfif = false;
        int? adobeTransform = null;
        var position = 2;

        while (true)
        {
            var marker = NextMarker(data, ref position);
            if (marker < 0)
            {
                // A missing EOI is tolerated (libjpeg warns too) as long as every component has been decoded.
                if (frame is not null && frame.Components.All(c => c.Decoded)) break;
                throw new JpegFormatException(frame is null ? "JPEG data ends before any frame header (truncated file)" : "JPEG data ends before all scans (truncated file)", data.Length);
            }

            if (marker == 0xD9) // EOI
            {
                if (frame is null || !frame.Components.All(c => c.Decoded)) throw new JpegFormatException("EOI before the image data was complete", position - 2);
                break;
            }

            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue; // stray RSTn / TEM: no payload
            var segment = ReadSegment(data, ref position, marker);
            var segmentOffset = position - segment.Length;
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    if (frame is not null) throw new JpegFormatException("second frame header (SOF) in one image", segmentOffset - 4);
                    frame = ReadFrame(segment, segmentOffset, marker, options);
                    break;
                case >= 0xC2 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw new NotSupportedException(UnsupportedFrame(marker));
                case 0xCC:
                    throw new NotSupportedException("JPEG arithmetic coding (DAC) is not supported; re-encode as baseline");
                case 0xC4:
                    ReadHuffmanTables(segment, segmentOffset, dcTables, acTables);
                    break;
                case 0xDB:
                    ReadQuantTables(segment, segmentOffset, quantTables);
                    break;
                case 0xDD:
                    if (segment.Length < 2) throw new JpegFormatException("DRI segment is too short", segmentOffset);
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    if (frame is null) throw new JpegFormatException("scan (SOS) before the frame header (SOF)", segmentOffset - 4);
                    var scan = ReadScanHeader(segment, segmentOffset, frame, dcTables, acTables, quantTables);
                    var end = JpegScanDecoder.Decode(data, position, frame, scan, quantTables, restartInterval);
                    position = end < 0 ? data.Length : end;
                    break;
                case 0xE0:
                    sawJfif |= segment.StartsWith("JFIF\0"u8);
                    break;
                case 0xEE:
                    if (segment.Length >= 12 && segment.StartsWith("Adobe"u8)) adobeTransform = segment[11];
                    break;
                case 0xDC:
                    throw new NotSupportedException("JPEG with a DNL marker (height defined after the first scan) is not supported");
                default:
                    break; // other APPn, COM, and unknown segments carry nothing we need
            }
        }

        var transform = frame.Components.Length == 3 ? ColorTransform(frame, sawJfif, adobeTransform) : JpegColorTransform.YCbCr;
        return new JpegImage(frame.Width, frame.Height, JpegColorConverter.ToRgb(frame, transform));
    }

    private static string UnsupportedFrame(int marker) => marker switch
    {
        0xC2 => "JPEG progressive (SOF2) is not supported; re-encode as baseline",
        0xC3 => "JPEG lossless (SOF3) is not supported; re-encode as baseline",
        0xC5 or 0xC6 or 0xC7 => $"JPEG hierarchical (SOF{marker - 0xC0}) is not supported; re-encode as baseline",
        0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF => $"JPEG arithmetic coding (SOF{marker - 0xC0}) is not supported; re-encode as baseline",
        _ => $"JPEG frame type 0xFF{marker:X2} is not supported; re-encode as baseline",
    };

    // libjpeg's rules: JFIF means YCbCr; otherwise Adobe's transform flag decides; otherwise ids 'R','G','B' mean RGB.
    private static JpegColorTransform ColorTransform(JpegFrame frame, bool sawJfif, int? adobeTransform)
    {
        if (sawJfif) return JpegColorTransform.YCbCr;
        if (adobeTransform is int flag) return flag == 0 ? JpegColorTransform.Rgb : JpegColorTransform.YCbCr;
        var ids = frame.Components;
        return ids[0].Id == 'R' && ids[1].Id == 'G' && ids[2].Id == 'B' ? JpegColorTransform.Rgb : JpegColorTransform.YCbCr;
    }

    /// <summary>Finds the next marker from <paramref name="position"/>, skipping fill bytes; -1 at the end of the data.</summary>
    private static int NextMarker(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (data[position] != 0xFF)
            {
                position++; // garbage between segments: skipped, as libjpeg does
                continue;
            }

            while (position < data.Length && data[position] == 0xFF) position++;
            if (position >= data.Length) return -1;
            var marker = data[position++];
            if (marker != 0x00) return marker;
        }

        return -1;
    }

    private static ReadOnlySpan<byte> ReadSegment(ReadOnlySpan<byte> data, ref int position, int marker)
    {
        if (position + 2 > data.Length) throw new JpegFormatException($"JPEG data ends inside the 0xFF{marker:X2} segment length (truncated file)", position);
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
        if (length < 2) throw new JpegFormatException($"segment 0xFF{marker:X2} has an invalid length {length}", position);
        if (position + length > data.Length) throw new JpegFormatException($"JPEG data ends inside the 0xFF{marker:X2} segment (needs {length} bytes, truncated file)", position);
        var segment = data.Slice(position + 2, length - 2);
        position += length;
        return segment;
    }

    private static JpegFrame ReadFrame(ReadOnlySpan<byte> segment, int offset, int marker, JpegDecoderOptions options)
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

    private static void ReadQuantTables(ReadOnlySpan<byte> segment, int offset, int[][] tables)
    {
        ReadOnlySpan<byte> zigZag =
        [
            0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
            35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
        ];
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
                table[zigZag[k]] = precision == 0 ? segment[i + 1 + k] : BinaryPrimitives.ReadUInt16BigEndian(segment[(i + 1 + (2 * k))..]);
            tables[id] = table;
            i += 1 + size;
        }
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> segment, int offset, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac)
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

    private static JpegScanComponent[] ReadScanHeader(ReadOnlySpan<byte> segment, int offset, JpegFrame frame,
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
