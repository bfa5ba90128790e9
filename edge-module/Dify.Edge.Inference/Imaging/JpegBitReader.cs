namespace Dify.Edge.Inference.Imaging;

/// <summary>
/// Reads entropy-coded bits MSB first, undoing 0xFF00 byte stuffing. At a marker (or the end of the data) it
/// supplies zero bits so a 16-bit lookahead always works, but consuming one of those made-up bits means the
/// scan is truncated or corrupt, and that throws instead of decoding garbage.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> data;
    private int position;
    private ulong buffer;
    private int count;
    private int padded;
    private bool atMarker;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        this.data = data;
        this.position = position;
    }

    /// <summary>Offset of the next byte not yet loaded into the bit buffer.</summary>
    public readonly int Position => position;

    public int Peek16()
    {
        if (count < 16) Fill();
        return (int)(buffer >> (count - 16)) & 0xFFFF;
    }

    public void Skip(int bits)
    {
        if (count - bits < padded) throw Truncated();
        count -= bits;
    }

    public int ReadBits(int bits)
    {
        if (bits == 0) return 0;
        if (count < bits) Fill();
        if (count - bits < padded) throw Truncated();
        count -= bits;
        return (int)(buffer >> count) & ((1 << bits) - 1);
    }

    /// <summary>Reads <paramref name="bits"/> bits and sign-extends them as T.81 F.2.2.1 EXTEND does.</summary>
    public int ReceiveExtend(int bits)
    {
        if (bits == 0) return 0;
        if (bits > 16) throw new JpegFormatException($"coefficient magnitude category {bits} is out of range", position);
        var value = ReadBits(bits);
        return value < 1 << (bits - 1) ? value - (1 << bits) + 1 : value;
    }

    /// <summary>
    /// Drops the partial byte at the end of an interval and returns the offset of the marker that follows
    /// (after any 0xFF fill bytes), or -1 when the data ends first.
    /// </summary>
    public int FinishInterval()
    {
        buffer = 0;
        count = 0;
        padded = 0;
        atMarker = false;
        var scan = position;
        while (scan + 1 < data.Length)
        {
            if (data[scan] == 0xFF && data[scan + 1] != 0x00 && data[scan + 1] != 0xFF) return scan;
            scan++;
        }

        return -1;
    }

    /// <summary>Restarts bit reading after a marker the caller has consumed.</summary>
    public void Restart(int newPosition)
    {
        position = newPosition;
        buffer = 0;
        count = 0;
        padded = 0;
        atMarker = false;
    }

    private void Fill()
    {
        while (count <= 56)
        {
            int value = 0;
            if (!atMarker && position < data.Length)
            {
                value = data[position];
                if (value == 0xFF)
                {
                    var next = position + 1 < data.Length ? data[position + 1] : -1;
                    if (next == 0x00)
                    {
                        position += 2;
                    }
                    else if (next == 0xFF)
                    {
                        position++; // fill byte before a marker
                        continue;
                    }
                    else
                    {
                        atMarker = true; // a marker ends the entropy-coded segment; position stays on its 0xFF
                        value = 0;
                        padded += 8;
                    }
                }
                else
                {
                    position++;
                }
            }
            else
            {
                padded += 8;
            }

            buffer = (buffer << 8) | (uint)value;
            count += 8;
        }
    }

    private readonly JpegFormatException Truncated() =>
        new(position >= data.Length ? "JPEG data ends inside the entropy-coded scan (truncated file)" : "entropy-coded scan ends early at a marker (corrupt or truncated data)", position);
}
