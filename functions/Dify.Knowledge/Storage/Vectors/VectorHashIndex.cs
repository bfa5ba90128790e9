using System.Buffers.Binary;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// Content hash → ordinal candidates, keyed by the first 8 bytes of the SHA-256 (callers verify all 32 bytes against
/// the file, so a shared prefix never returns a wrong vector). Open addressing with linear probing over two flat arrays
/// (8-byte key + 4-byte ordinal per slot, no per-entry objects), kept at most 3/4 full and sized to 1.5× on growth:
/// 16 to 18 bytes per vector instead of ~40 for a Dictionary&lt;ulong, long&gt; with its buckets and entries.
/// The key is already uniform, so the slot is the high half of key × capacity (any capacity, no power of two needed).
/// Equal keys (prefix collisions) sit in one probe run; <see cref="Candidates"/> yields each. Not thread-safe.
/// </summary>
internal sealed class VectorHashIndex
{
    /// <summary>Ordinals are stored as int + 1 (0 marks an empty slot).</summary>
    public const long MaxOrdinal = int.MaxValue - 1;

    private ulong[] _keys;
    private int[] _ordinals;

    public VectorHashIndex(long expected = 0)
    {
        var capacity = (int)Math.Clamp(expected * 3 / 2 + 16, 16, int.MaxValue / 2);
        _keys = new ulong[capacity];
        _ordinals = new int[capacity];
    }

    public int Count { get; private set; }

    /// <summary>Bytes held by the table's arrays.</summary>
    public long MemoryBytes => _keys.Length * (long)(sizeof(ulong) + sizeof(int));

    public static ulong KeyOf(ReadOnlySpan<byte> hash) => BinaryPrimitives.ReadUInt64LittleEndian(hash);

    public void Add(ulong key, long ordinal)
    {
        if (ordinal is < 0 or > MaxOrdinal)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"A vector file holds at most {MaxOrdinal + 1} records.");
        if ((Count + 1) * 4L > _keys.Length * 3L) Grow();
        Insert(_keys, _ordinals, key, (int)ordinal + 1);
        Count++;
    }

    public void Clear()
    {
        Array.Clear(_keys);
        Array.Clear(_ordinals);
        Count = 0;
    }

    public CandidateEnumerator Candidates(ulong key) => new(this, key);

    private static int Home(ulong key, int capacity) => (int)Math.BigMul(key, (ulong)capacity, out _);

    private static void Insert(ulong[] keys, int[] ordinals, ulong key, int stored)
    {
        var slot = Home(key, keys.Length);
        while (ordinals[slot] != 0)
            if (++slot == keys.Length) slot = 0;
        keys[slot] = key;
        ordinals[slot] = stored;
    }

    private void Grow()
    {
        var capacity = (int)Math.Min(_keys.Length * 3L / 2 + 16, int.MaxValue / 2);
        var keys = new ulong[capacity];
        var ordinals = new int[capacity];
        for (var i = 0; i < _keys.Length; i++)
            if (_ordinals[i] != 0) Insert(keys, ordinals, _keys[i], _ordinals[i]);
        (_keys, _ordinals) = (keys, ordinals);
    }

    /// <summary>The ordinals stored under one key, in probe order (usually none or one).</summary>
    public ref struct CandidateEnumerator
    {
        private readonly VectorHashIndex _index;
        private readonly ulong _key;
        private int _slot;
        private bool _started;

        internal CandidateEnumerator(VectorHashIndex index, ulong key)
        {
            _index = index;
            _key = key;
            _slot = Home(key, index._keys.Length);
        }

        public long Current { get; private set; }

        public readonly CandidateEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            var keys = _index._keys;
            var ordinals = _index._ordinals;
            if (_started && ++_slot == keys.Length) _slot = 0;
            _started = true;
            while (ordinals[_slot] != 0)
            {
                if (keys[_slot] == _key)
                {
                    Current = ordinals[_slot] - 1L;
                    return true;
                }
                if (++_slot == keys.Length) _slot = 0;
            }
            return false;
        }
    }
}
