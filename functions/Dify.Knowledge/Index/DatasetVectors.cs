using System.Buffers;
using System.Text.Json.Nodes;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Index;

/// <summary>
/// The in-memory search view of one dataset: every searchable chunk (segment or child) with its document, parent,
/// and unit-length vector scalar-quantised to int8 (one scale per vector) in one contiguous matrix, plus each
/// document's metadata and whether it may be searched (completed and enabled). Loaded once from SQLite, then kept
/// current by the writers. Thread-safe. The int8 matrix is a quarter of float32's memory traffic, so a scan picks
/// candidates fast; the index rescores them with the stored vectors (<see cref="QuantizedVector"/> explains the error).
/// Memory: about dimensions + 32 bytes per chunk plus the id map, i.e. ~45 MB per 100k chunks of 384 dimensions.
/// </summary>
internal sealed class DatasetVectors(int dimensions)
{
    // The scan is bound by memory bandwidth (~15 GB/s on one core here: 2.5 ms per 100k rows of 384-d). Splitting it
    // lowers the median but, on a 2-core box, waiting for the second part stretches the tail (hybrid queries at 100k
    // rows, one thread vs two: p50 4.7 vs 4.0 ms, p99 7.8 vs 10.4 ms); past 128k rows one thread alone nears 10 ms.
    private const int ParallelThreshold = 131_072;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<long, int> _slotOf = [];
    private readonly Dictionary<string, int> _documentOrdinal = new(StringComparer.Ordinal);
    private readonly List<DocumentEntry> _documents = [];
    private sbyte[] _matrix = new sbyte[dimensions * 64];
    private float[] _scales = new float[64];
    private long[] _ids = new long[64];
    private long[] _parents = new long[64];
    private long[] _ordinals = new long[64];
    private int[] _docs = new int[64];
    private int _count;

    /// <summary>Fixed by the first vector when the view starts empty.</summary>
    public int Dimensions { get; private set; } = dimensions;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <param name="ordinal">The vector's record in the dataset's model file (for exact rescoring); -1 for none.</param>
    public void Add(long id, string documentId, long parentId, ReadOnlySpan<float> vector, long ordinal)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_count == 0 && vector.Length > 0 && vector.Length != Dimensions)
            {
                Dimensions = vector.Length;
                _matrix = new sbyte[_ids.Length * Dimensions];
            }
            if (!_slotOf.TryGetValue(id, out var slot))
            {
                Grow(_count + 1);
                slot = _count++;
                _slotOf[id] = slot;
            }
            _ids[slot] = id;
            _parents[slot] = parentId;
            _ordinals[slot] = ordinal;
            _docs[slot] = Ordinal(documentId);
            var row = _matrix.AsSpan(slot * Dimensions, Dimensions);
            _scales[slot] = vector.Length == Dimensions ? QuantizedVector.Quantize(vector, row) : 0f;
            if (vector.Length != Dimensions) row.Clear();
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void SetDocument(string documentId, bool searchable, JsonObject? metadata)
    {
        _lock.EnterWriteLock();
        try
        {
            var entry = _documents[Ordinal(documentId)];
            entry.Searchable = searchable;
            entry.Metadata = metadata;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Removes one chunk (the last row moves into its slot); false when it is not in the view.</summary>
    public bool Remove(long id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.TryGetValue(id, out var slot)) return false;
            RemoveSlot(slot);
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Removes the document's chunks (the last rows move into the freed slots); returns their ids.</summary>
    public List<long> RemoveDocument(string documentId)
    {
        var removed = new List<long>();
        _lock.EnterWriteLock();
        try
        {
            if (!_documentOrdinal.TryGetValue(documentId, out var ordinal)) return removed;
            _documents[ordinal].Searchable = false;
            for (var slot = _count - 1; slot >= 0; slot--)
            {
                if (_docs[slot] != ordinal) continue;
                removed.Add(_ids[slot]);
                RemoveSlot(slot);
            }
            return removed;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Frees a slot by moving the last row into it (the caller holds the write lock).</summary>
    private void RemoveSlot(int slot)
    {
        _slotOf.Remove(_ids[slot]);
        var last = --_count;
        if (slot == last) return;
        _ids[slot] = _ids[last];
        _parents[slot] = _parents[last];
        _ordinals[slot] = _ordinals[last];
        _docs[slot] = _docs[last];
        _scales[slot] = _scales[last];
        _matrix.AsSpan(last * Dimensions, Dimensions).CopyTo(_matrix.AsSpan(slot * Dimensions, Dimensions));
        _slotOf[_ids[slot]] = slot;
    }

    public bool AnySearchable()
    {
        _lock.EnterReadLock();
        try { return _documents.Any(d => d.Searchable); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Which documents a search may return: searchable ones whose metadata passes the filter (indexed by ordinal).</summary>
    public bool[] AllowedDocuments(MetadataFilter? filter)
    {
        _lock.EnterReadLock();
        try
        {
            var allowed = new bool[_documents.Count];
            for (var i = 0; i < allowed.Length; i++)
                allowed[i] = _documents[i].Searchable && MetadataFilterEvaluator.Matches(_documents[i].Metadata, filter);
            return allowed;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>The chunk's document, parent and vector ordinal, when it is in this dataset and its document is allowed.</summary>
    public bool TryGet(long id, bool[] allowed, out string documentId, out long parentId, out long vectorOrdinal)
    {
        _lock.EnterReadLock();
        try
        {
            documentId = "";
            parentId = 0;
            vectorOrdinal = -1;
            if (!_slotOf.TryGetValue(id, out var slot)) return false;
            var doc = _docs[slot];
            if (doc >= allowed.Length || !allowed[doc]) return false;
            documentId = _documents[doc].Id;
            parentId = _parents[slot];
            vectorOrdinal = _ordinals[slot];
            return true;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The <paramref name="n"/> allowed chunks most similar to the unit-length <paramref name="query"/> by the int8
    /// scan, best first, with their approximate scores (rescore them with the stored vectors).
    /// </summary>
    public List<(long Id, float Score)> Nearest(ReadOnlySpan<float> query, bool[] allowed, int n)
    {
        if (query.Length != Dimensions || n <= 0) return [];
        var q = QuantizedVector.Of(query);
        _lock.EnterReadLock();
        var scores = ArrayPool<float>.Shared.Rent(Math.Max(1, _count));
        try
        {
            var count = _count;
            if (count >= ParallelThreshold && Environment.ProcessorCount > 1)
            {
                var parts = Math.Min(Environment.ProcessorCount, 4);
                Parallel.For(0, parts, p => Score(q, allowed, scores, count * p / parts, count * (p + 1) / parts));
            }
            else Score(q, allowed, scores, 0, count);

            var heap = new PriorityQueue<int, float>(n + 1);
            for (var i = 0; i < count; i++)
            {
                var s = scores[i];
                if (float.IsNegativeInfinity(s)) continue;
                if (heap.Count < n) heap.Enqueue(i, s);
                else if (heap.TryPeek(out _, out var min) && s > min) heap.EnqueueDequeue(i, s);
            }
            var result = new List<(long, float)>(heap.Count);
            while (heap.TryDequeue(out var slot, out var score)) result.Add((_ids[slot], score));
            result.Reverse();
            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            _lock.ExitReadLock();
        }
    }

    private void Score(QuantizedVector query, bool[] allowed, float[] scores, int from, int to)
    {
        var dims = Dimensions;
        var components = query.Components;
        for (var i = from; i < to; i++)
        {
            var doc = _docs[i];
            scores[i] = doc < allowed.Length && allowed[doc]
                ? QuantizedVector.Dot(new ReadOnlySpan<sbyte>(_matrix, i * dims, dims), components) * _scales[i] * query.Scale
                : float.NegativeInfinity;
        }
    }

    private int Ordinal(string documentId)
    {
        if (_documentOrdinal.TryGetValue(documentId, out var ordinal)) return ordinal;
        ordinal = _documents.Count;
        _documents.Add(new DocumentEntry(documentId));
        _documentOrdinal[documentId] = ordinal;
        return ordinal;
    }

    /// <summary>Sizes the arrays for <paramref name="count"/> chunks at once (loading), so they are not grown by doubling.</summary>
    public void Reserve(int count)
    {
        _lock.EnterWriteLock();
        try
        {
            if (count <= _ids.Length) return;
            Array.Resize(ref _ids, count);
            Array.Resize(ref _parents, count);
            Array.Resize(ref _ordinals, count);
            Array.Resize(ref _docs, count);
            Array.Resize(ref _scales, count);
            Array.Resize(ref _matrix, count * Dimensions);
        }
        finally { _lock.ExitWriteLock(); }
    }

    private void Grow(int needed)
    {
        if (needed <= _ids.Length) return;
        var capacity = Math.Max(needed, _ids.Length * 2);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _parents, capacity);
        Array.Resize(ref _ordinals, capacity);
        Array.Resize(ref _docs, capacity);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _matrix, capacity * Dimensions);
    }

    private sealed class DocumentEntry(string id)
    {
        public string Id { get; } = id;
        public bool Searchable { get; set; }
        public JsonObject? Metadata { get; set; }
    }
}
