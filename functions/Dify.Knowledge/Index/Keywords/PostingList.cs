namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// One term's postings: (chunk ordinal, term frequency) in increasing ordinal order, packed as variable-length
/// integers: the ordinal gap shifted left once, its low bit set when a frequency other than 1 follows. Most postings
/// of a large index take one or two bytes.
/// </summary>
internal struct PostingList
{
    private byte[]? _data;
    private int _length;
    private int _last;

    /// <summary>Postings held, removed chunks included until the index compacts.</summary>
    public int Count { get; private set; }

    public readonly ReadOnlySpan<byte> Bytes => _data.AsSpan(0, _length);

    public readonly int ByteCapacity => _data?.Length ?? 0;

    /// <summary>Appends a posting; <paramref name="ordinal"/> must exceed every ordinal already held.</summary>
    public void Append(int ordinal, int frequency)
    {
        if (_data is null)
        {
            _data = new byte[4];
            _last = -1;
        }
        else if (_length + 10 > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _length + 10));
        }
        var gap = (uint)(ordinal - _last);
        _last = ordinal;
        if (frequency == 1)
        {
            Write(gap << 1);
        }
        else
        {
            Write((gap << 1) | 1);
            Write((uint)frequency);
        }
        Count++;
    }

    /// <summary>Releases the slack left by doubling (after a bulk load or a compaction).</summary>
    public void Trim()
    {
        if (_data is not null && _data.Length > _length) Array.Resize(ref _data, _length);
    }

    public readonly Reader Read() => new(Bytes);

    private void Write(uint value)
    {
        while (value >= 0x80)
        {
            _data![_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _data![_length++] = (byte)value;
    }

    /// <summary>Decodes postings in order.</summary>
    public ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;
        private int _ordinal = -1;

        public bool Next(out int ordinal, out int frequency)
        {
            if (_position >= _bytes.Length)
            {
                ordinal = frequency = 0;
                return false;
            }
            var head = ReadVarint();
            _ordinal += (int)(head >> 1);
            ordinal = _ordinal;
            frequency = (head & 1) == 0 ? 1 : (int)ReadVarint();
            return true;
        }

        private uint ReadVarint()
        {
            uint b = _bytes[_position++];
            if (b < 0x80) return b;
            var value = b & 0x7F;
            var shift = 7;
            while (true)
            {
                b = _bytes[_position++];
                value |= (b & 0x7F) << shift;
                if (b < 0x80) return value;
                shift += 7;
            }
        }
    }
}
