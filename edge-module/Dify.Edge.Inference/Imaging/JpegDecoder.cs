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
                    frame = JpegSegments.ReadFrame(segment, segmentOffset, marker, options);
                    break;
                case >= 0xC2 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw new NotSupportedException(UnsupportedFrame(marker));
                case 0xCC:
                    throw new NotSupportedException("JPEG arithmetic coding (DAC) is not supported; re-encode as baseline");
                case 0xC4:
                    JpegSegments.ReadHuffmanTables(segment, segmentOffset, dcTables, acTables);
                    break;
                case 0xDB:
                    JpegSegments.ReadQuantTables(segment, segmentOffset, quantTables);
                    break;
                case 0xDD:
                    if (segment.Length < 2) throw new JpegFormatException("DRI segment is too short", segmentOffset);
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    if (frame is null) throw new JpegFormatException("scan (SOS) before the frame header (SOF)", segmentOffset - 4);
                    var scan = JpegSegments.ReadScanHeader(segment, segmentOffset, frame, dcTables, acTables, quantTables);
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
}
