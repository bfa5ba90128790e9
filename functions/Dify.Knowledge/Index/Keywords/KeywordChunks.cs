namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// The chunks of a <see cref="KeywordIndex"/> by ordinal (their position in the postings): row id, token count
/// (-1 once removed) and distinct-term count, plus the totals BM25 needs over live chunks. Not thread-safe: the index
/// holds its lock.
/// </summary>
internal sealed class KeywordChunks
{
    private readonly Dictionary<long, int> _ordinals = [];
    private long[] _ids = new long[64];
    private int[] _lengths = new int[64];
    private int[] _distinct = new int[64];

    /// <summary>Ordinals handed out, removed chunks included.</summary>
    public int Slots { get; private set; }

    public int Live => _ordinals.Count;

    /// <summary>Tokens in live chunks (BM25's average length is this over <see cref="Live"/>).</summary>
    public long LiveTokens { get; private set; }

    public long LivePostings { get; private set; }

    /// <summary>Postings of removed chunks still in the posting lists.</summary>
    public long DeadPostings { get; private set; }

    /// <summary>Token counts by ordinal; negative for a removed chunk.</summary>
    public ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, Slots);

    public long Id(int ordinal) => _ids[ordinal];

    public bool Contains(long id) => _ordinals.ContainsKey(id);

    public int Append(long id, int length, int distinct)
    {
        if (Slots == _ids.Length)
        {
            var size = _ids.Length * 2;
            Array.Resize(ref _ids, size);
            Array.Resize(ref _lengths, size);
            Array.Resize(ref _distinct, size);
        }
        var ordinal = Slots++;
        _ids[ordinal] = id;
        _lengths[ordinal] = length;
        _distinct[ordinal] = distinct;
        _ordinals.Add(id, ordinal);
        LiveTokens += length;
        LivePostings += distinct;
        return ordinal;
    }

    /// <summary>Marks the chunk removed (its postings stay until <see cref="Compact"/>); false when it is not here.</summary>
    public bool Remove(long id)
    {
        if (!_ordinals.Remove(id, out var ordinal)) return false;
        LiveTokens -= _lengths[ordinal];
        LivePostings -= _distinct[ordinal];
        DeadPostings += _distinct[ordinal];
        _lengths[ordinal] = -1;
        return true;
    }

    /// <summary>Drops removed chunks and renumbers the rest in order; returns old ordinal → new ordinal (-1: removed).</summary>
    public int[] Compact()
    {
        var remap = new int[Slots];
        var next = 0;
        for (var old = 0; old < Slots; old++)
        {
            if (_lengths[old] < 0)
            {
                remap[old] = -1;
                continue;
            }
            remap[old] = next;
            _ids[next] = _ids[old];
            _lengths[next] = _lengths[old];
            _distinct[next] = _distinct[old];
            _ordinals[_ids[next]] = next;
            next++;
        }
        Slots = next;
        DeadPostings = 0;
        var size = Math.Max(64, next + next / 8);
        Array.Resize(ref _ids, size);
        Array.Resize(ref _lengths, size);
        Array.Resize(ref _distinct, size);
        return remap;
    }

    /// <summary>Makes room for <paramref name="more"/> chunks at once (bulk load).</summary>
    public void Reserve(int more)
    {
        var size = Slots + more;
        if (size <= _ids.Length) return;
        Array.Resize(ref _ids, size);
        Array.Resize(ref _lengths, size);
        Array.Resize(ref _distinct, size);
        _ordinals.EnsureCapacity(Live + more);
    }

    public void Clear()
    {
        _ordinals.Clear();
        _ids = new long[64];
        _lengths = new int[64];
        _distinct = new int[64];
        Slots = 0;
        LiveTokens = LivePostings = DeadPostings = 0;
    }
}
