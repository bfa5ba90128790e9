namespace Dify.Edge.Inference.Imaging;

/// <summary>A component as one scan codes it: its Huffman tables and DC predictor.</summary>
internal sealed class JpegScanComponent(JpegComponent component, JpegHuffmanTable dc, JpegHuffmanTable ac)
{
    public JpegComponent Component { get; } = component;

    public JpegHuffmanTable Dc { get; } = dc;

    public JpegHuffmanTable Ac { get; } = ac;

    public int Predictor { get; set; }
}

/// <summary>
/// Decodes one sequential Huffman scan (T.81 F.2.2): every block is complete after its scan, so it goes through
/// the inverse DCT straight into its component's plane and no coefficient buffer is kept.
/// </summary>
internal static class JpegScanDecoder
{
    // Zig-zag scan position to natural (row-major) position.
    public static ReadOnlySpan<byte> ZigZag =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    /// <summary>Decodes the scan starting at <paramref name="start"/>; returns the offset of the marker that ends it.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int start, JpegFrame frame, JpegScanComponent[] components, int[][] quantTables, int restartInterval)
    {
        var reader = new JpegBitReader(data, start);
        Span<int> block = stackalloc int[64];
        var single = components.Length == 1;
        var only = components[0].Component;
        var mcusPerLine = single ? (only.Width + 7) / 8 : frame.McusPerLine;
        var mcusPerColumn = single ? (only.Height + 7) / 8 : frame.McusPerColumn;
        var total = (long)mcusPerLine * mcusPerColumn;
        var expectedRestart = 0;

        for (long mcu = 0; mcu < total; mcu++)
        {
            if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0)
            {
                var marker = reader.FinishInterval();
                if (marker < 0) throw new JpegFormatException($"JPEG data ends before restart marker RST{expectedRestart} (truncated file)", data.Length);
                if (data[marker + 1] != 0xD0 + expectedRestart)
                    throw new JpegFormatException($"expected restart marker RST{expectedRestart}, found 0xFF{data[marker + 1]:X2}", marker);
                reader.Restart(marker + 2);
                expectedRestart = (expectedRestart + 1) & 7;
                foreach (var c in components) c.Predictor = 0;
            }

            var mcuX = (int)(mcu % mcusPerLine);
            var mcuY = (int)(mcu / mcusPerLine);
            foreach (var scanComponent in components)
            {
                var component = scanComponent.Component;
                var quant = quantTables[component.QuantTable];
                var h = single ? 1 : component.H;
                var v = single ? 1 : component.V;
                for (var by = 0; by < v; by++)
                {
                    for (var bx = 0; bx < h; bx++)
                    {
                        var hasAc = DecodeBlock(ref reader, scanComponent, block);
                        var blockX = (mcuX * h) + bx;
                        var blockY = (mcuY * v) + by;
                        var offset = (blockY * 8 * component.Stride) + (blockX * 8);
                        if (hasAc) JpegIdct.Transform(block, quant, component.Plane.AsSpan(offset), component.Stride);
                        else JpegIdct.FillDcOnly(block[0], quant[0], component.Plane.AsSpan(offset), component.Stride);
                    }
                }
            }
        }

        foreach (var c in components) c.Component.Decoded = true;
        return reader.FinishInterval();
    }

    /// <summary>Decodes one block's coefficients; false when every AC coefficient is zero (a flat block).</summary>
    private static bool DecodeBlock(ref JpegBitReader reader, JpegScanComponent component, scoped Span<int> block)
    {
        var hasAc = false;
        block.Clear();
        var category = component.Dc.Decode(ref reader);
        if (category > 11) throw new JpegFormatException($"DC difference category {category} is out of range for 8-bit data", reader.Position);
        component.Predictor += reader.ReceiveExtend(category);
        block[0] = component.Predictor;
        for (var k = 1; k < 64;)
        {
            var symbol = component.Ac.Decode(ref reader);
            var run = symbol >> 4;
            var size = symbol & 15;
            if (size == 0)
            {
                if (run != 15) break; // end of block
                k += 16;
                continue;
            }

            k += run;
            if (k > 63) throw new JpegFormatException("AC coefficient run goes past the end of the block", reader.Position);
            block[ZigZag[k]] = reader.ReceiveExtend(size);
            hasAc = true;
            k++;
        }

        return hasAc;
    }
}
