namespace Dify.Knowledge.Splitting;

/// <summary>
/// Dify's TextSplitter._merge_splits as a streaming fold: small pieces are added one at a time and joined into
/// chunks of at most chunk_size characters; when a chunk is emitted, its tail pieces (up to chunk_overlap
/// characters) start the next one. Joined chunks are stripped; blank ones are dropped.
/// </summary>
internal sealed class ChunkMerger(int chunkSize, int chunkOverlap, string separator, List<string> output)
{
    private readonly int _separatorLength = PyText.Len(separator);
    private readonly List<(string Text, int Length)> _current = [];
    private int _head;
    private int _total;

    private int Count => _current.Count - _head;

    public void Add(string piece, int length)
    {
        if (_total + length + (Count > 0 ? _separatorLength : 0) > chunkSize)
        {
            if (Count > 0)
            {
                Emit();
                while (Count > 0 && (_total > chunkOverlap || (_total + length + (Count > 0 ? _separatorLength : 0) > chunkSize && _total > 0)))
                {
                    _total -= _current[_head].Length + (Count > 1 ? _separatorLength : 0);
                    _head++;
                }
            }
        }
        if (_head > 64 && _head * 2 > _current.Count)
        {
            _current.RemoveRange(0, _head);
            _head = 0;
        }
        _current.Add((piece, length));
        _total += length + (Count > 1 ? _separatorLength : 0);
    }

    /// <summary>Emits what is pending and starts afresh (no overlap carried over).</summary>
    public void Flush()
    {
        Emit();
        _current.Clear();
        _head = 0;
        _total = 0;
    }

    private void Emit()
    {
        if (Count == 0) return;
        var joined = Count == 1 ? _current[_head].Text : string.Join(separator, _current.Skip(_head).Select(p => p.Text));
        joined = PyText.Strip(joined);
        if (joined.Length > 0) output.Add(joined);
    }
}
