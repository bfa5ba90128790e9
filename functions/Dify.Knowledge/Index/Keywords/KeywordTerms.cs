namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// The term dictionary of a <see cref="KeywordIndex"/>: token → term id, and each term's <see cref="PostingList"/>.
/// Looked up by span, so indexing allocates a string only for a token never seen before. Not thread-safe: the index
/// holds its lock.
/// </summary>
internal sealed class KeywordTerms
{
    private Dictionary<string, int> _ids;
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private PostingList[] _postings = new PostingList[256];

    public KeywordTerms()
    {
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _ids.Count;

    public bool TryGet(ReadOnlySpan<char> token, out int id) => _lookup.TryGetValue(token, out id);

    public int GetOrAdd(ReadOnlySpan<char> token)
    {
        if (_lookup.TryGetValue(token, out var id)) return id;
        id = _ids.Count;
        _lookup.TryAdd(token, id);
        if (id == _postings.Length) Array.Resize(ref _postings, id * 2);
        return id;
    }

    public ref PostingList Postings(int id) => ref _postings[id];

    /// <summary>Releases the growth slack of every posting list.</summary>
    public void Trim()
    {
        for (var id = 0; id < _ids.Count; id++) _postings[id].Trim();
    }

    /// <summary>
    /// Rewrites every posting list with <paramref name="remap"/> (old ordinal → new, -1 dropped) and forgets terms no
    /// live chunk uses any more, so a dataset whose documents are replaced over and over does not grow.
    /// </summary>
    public void Compact(int[] remap)
    {
        var ids = new Dictionary<string, int>(_ids.Count, StringComparer.Ordinal);
        var postings = new PostingList[Math.Max(256, _ids.Count)];
        foreach (var (term, old) in _ids)
        {
            var kept = new PostingList();
            var reader = _postings[old].Read();
            while (reader.Next(out var ordinal, out var frequency))
                if (remap[ordinal] >= 0) kept.Append(remap[ordinal], frequency);
            if (kept.Count == 0) continue;
            kept.Trim();
            postings[ids.Count] = kept;
            ids.Add(term, ids.Count);
        }
        _ids = ids;
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _postings = postings;
    }

    public void Clear()
    {
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _postings = new PostingList[256];
    }
}
