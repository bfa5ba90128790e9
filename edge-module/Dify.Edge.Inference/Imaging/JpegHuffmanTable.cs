namespace Dify.Edge.Inference.Imaging;

/// <summary>
/// One DHT table in decoding form: a 9-bit lookup for the short codes most symbols use, and the canonical
/// max-code / value-pointer arrays (ITU T.81 F.2.2.3) for the rest.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int LookupBits = 9;

    // Low byte: symbol; bits 8..15: code length; 0 means "longer than LookupBits".
    private readonly ushort[] lookup = new ushort[1 << LookupBits];
    private readonly int[] maxCode = new int[18];
    private readonly int[] valuePointer = new int[17];
    private readonly byte[] values;

    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols, long offset)
    {
        values = symbols.ToArray();
        var code = 0;
        var k = 0;
        for (var length = 1; length <= 16; length++)
        {
            var count = counts[length - 1];
            valuePointer[length] = k - code;
            if (count > 0)
            {
                for (var i = 0; i < count; i++)
                {
                    if (length <= LookupBits)
                    {
                        var shift = LookupBits - length;
                        var first = code << shift;
                        for (var fill = 0; fill < 1 << shift; fill++) lookup[first + fill] = (ushort)((length << 8) | values[k]);
                    }

                    code++;
                    k++;
                }

                maxCode[length] = code - 1;
            }
            else
            {
                maxCode[length] = -1;
            }

            // A canonical code of length L must fit in L bits; more codes than that is a corrupt table.
            if (code > 1 << length) throw new JpegFormatException($"Huffman table has too many codes of length {length}", offset);
            code <<= 1;
        }

        maxCode[17] = int.MaxValue; // sentinel: stops the slow search
    }

    /// <summary>Decodes one symbol; 16 bits of lookahead are available from <paramref name="reader"/>.</summary>
    public int Decode(ref JpegBitReader reader)
    {
        var peek = reader.Peek16();
        var entry = lookup[peek >> (16 - LookupBits)];
        if (entry != 0)
        {
            reader.Skip(entry >> 8);
            return entry & 0xFF;
        }

        for (var length = LookupBits + 1; length <= 16; length++)
        {
            var code = peek >> (16 - length);
            if (code <= maxCode[length])
            {
                reader.Skip(length);
                return values[code + valuePointer[length]];
            }
        }

        throw new JpegFormatException("invalid Huffman code in entropy-coded data", reader.Position);
    }
}
