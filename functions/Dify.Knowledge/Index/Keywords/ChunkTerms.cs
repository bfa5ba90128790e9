namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// The distinct terms of the chunk being indexed and how often each occurs, counted in one pass with no sort: a
/// per-term stamp says whether the term was already seen in this chunk and where its count is. The writer's scratch,
/// reused chunk after chunk.
/// </summary>
internal sealed class ChunkTerms
{
    private int[] _stamp = new int[256];
    private int[] _slot = new int[256];
    private int[] _terms = new int[64];
    private int[] _frequencies = new int[64];
    private int _current;

    /// <summary>Distinct terms counted since <see cref="Start"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Begins a chunk; <paramref name="termCount"/> is the dictionary's size now (it may grow during the chunk).</summary>
    public void Start(int termCount)
    {
        Count = 0;
        if (++_current == int.MaxValue)
        {
            Array.Clear(_stamp);
            _current = 1;
        }
        EnsureTerm(termCount);
    }

    public void Add(int term)
    {
        EnsureTerm(term + 1);
        if (_stamp[term] == _current)
        {
            _frequencies[_slot[term]]++;
            return;
        }
        _stamp[term] = _current;
        if (Count == _terms.Length)
        {
            Array.Resize(ref _terms, Count * 2);
            Array.Resize(ref _frequencies, Count * 2);
        }
        _slot[term] = Count;
        _terms[Count] = term;
        _frequencies[Count] = 1;
        Count++;
    }

    public int Term(int i) => _terms[i];

    public int Frequency(int i) => _frequencies[i];

    private void EnsureTerm(int size)
    {
        if (size <= _stamp.Length) return;
        var grown = Math.Max(size, _stamp.Length * 2);
        Array.Resize(ref _stamp, grown);
        Array.Resize(ref _slot, grown);
    }
}
