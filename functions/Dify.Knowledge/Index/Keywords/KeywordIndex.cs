using System.Collections.Concurrent;

namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// An in-memory BM25 inverted index over one dataset's chunks, keyed by chunk row id; it ranks exactly like SQLite
/// FTS5's <c>bm25()</c> with <c>unicode61 remove_diacritics 2</c> for an OR query (see <see cref="KeywordTokenizer"/>
/// for the two tokenizer differences). Many readers search at once; one writer adds or removes at a time.
/// Removed chunks are skipped by searches at once and dropped from the postings when they exceed
/// <c>compactionFraction</c> of them. Document frequencies stay exact without keeping each chunk's term list: while
/// removed chunks await compaction, a search counts a query term's live postings itself. The chunk text is not kept.
/// </summary>
internal sealed class KeywordIndex : IDisposable
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const int BulkBatch = 1024;
    private const int TrimAfter = 8 * BulkBatch;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly KeywordChunks _chunks = new();
    private readonly KeywordTerms _terms = new();
    private readonly ChunkTerms _chunkTerms = new(); // the writer's scratch
    private readonly ConcurrentBag<KeywordScratch> _scratch = [];
    private readonly double _compactionFraction;
    private readonly long _compactionMinimum;

    /// <param name="compactionFraction">Share of postings that may belong to removed chunks before they are dropped.</param>
    /// <param name="compactionMinimum">Removed chunks' postings below which the index never compacts (small indexes).</param>
    public KeywordIndex(double compactionFraction = 0.25, long compactionMinimum = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(compactionFraction);
        ArgumentOutOfRangeException.ThrowIfNegative(compactionMinimum);
        _compactionFraction = compactionFraction;
        _compactionMinimum = compactionMinimum;
    }

    /// <summary>Live chunks.</summary>
    public int Count => Read(() => _chunks.Live);

    /// <summary>Distinct terms in the dictionary (terms of removed chunks included until compaction).</summary>
    public int TermCount => Read(() => _terms.Count);

    /// <summary>Postings of removed chunks not compacted away yet.</summary>
    public long DeadPostings => Read(() => _chunks.DeadPostings);

    /// <summary>Indexes the chunk <paramref name="id"/>; an id already present is replaced.</summary>
    public void Add(long id, ReadOnlySpan<char> text)
    {
        _lock.EnterWriteLock();
        try
        {
            var replaced = _chunks.Remove(id);
            Insert(id, text);
            if (replaced) CompactIfWorthIt();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Indexes many chunks (the load from SQLite): the lock is taken once per batch of chunks, so searches go on between
    /// batches; after a large load the posting lists are trimmed to size.
    /// </summary>
    public void AddRange(IEnumerable<(long Id, string Text)> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.TryGetNonEnumeratedCount(out var known)) Write(() => _chunks.Reserve(known));
        var batch = new List<(long Id, string Text)>(BulkBatch);
        var added = 0;
        foreach (var chunk in chunks)
        {
            batch.Add(chunk);
            added++;
            if (batch.Count == BulkBatch) AddBatch(batch);
        }
        AddBatch(batch);
        Write(() =>
        {
            // Trimming touches every term, worth it only after a load, not after a document's few chunks.
            if (added >= TrimAfter) _terms.Trim();
            CompactIfWorthIt();
        });
    }

    /// <summary>Removes the chunk <paramref name="id"/>; false when it is not indexed.</summary>
    public bool Remove(long id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_chunks.Remove(id)) return false;
            CompactIfWorthIt();
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Clear() => Write(() =>
    {
        _chunks.Clear();
        _terms.Clear();
    });

    /// <summary>Drops removed chunks from the postings now (normally done when they exceed the compaction fraction).</summary>
    public void Compact() => Write(CompactNow);

    /// <summary>
    /// The best <paramref name="n"/> chunks that contain any of <paramref name="queryTerms"/> and that
    /// <paramref name="allowed"/> accepts, best first (ties: smaller id first). Each term is tokenized like chunk text
    /// (a term of several words counts as its words; repeated tokens count once). <paramref name="allowed"/> is called
    /// outside the index lock, only for the leading candidates, until <paramref name="n"/> are accepted.
    /// </summary>
    public IReadOnlyList<KeywordHit> Search(IReadOnlyList<string> queryTerms, Func<long, bool> allowed, int n)
    {
        ArgumentNullException.ThrowIfNull(queryTerms);
        ArgumentNullException.ThrowIfNull(allowed);
        if (n <= 0) return [];
        var tokens = queryTerms.SelectMany(t => KeywordTokenizer.Tokens(t)).Distinct(StringComparer.Ordinal).ToList();
        if (tokens.Count == 0) return [];
        var scratch = _scratch.TryTake(out var reused) ? reused : new KeywordScratch();
        int candidates;
        _lock.EnterReadLock();
        try
        {
            candidates = Score(tokens, scratch);
        }
        finally
        {
            _lock.ExitReadLock();
        }
        // Scoring left the per-ordinal arrays zeroed again (a scratch that threw midway is dropped, not reused).
        try
        {
            return KeywordTopHits.Select(scratch.Candidates.AsSpan(0, candidates), allowed, n);
        }
        finally
        {
            _scratch.Add(scratch);
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>FTS5's bm25 for every chunk holding a query token, into <c>scratch.Candidates</c>; returns how many.</summary>
    private int Score(List<string> tokens, KeywordScratch scratch)
    {
        var live = _chunks.Live;
        if (live == 0) return 0;
        var averageLength = (double)_chunks.LiveTokens / live;
        var lengths = _chunks.Lengths;
        scratch.EnsureCapacity(lengths.Length);
        var scores = scratch.Scores;
        var matched = scratch.Matched;
        var touched = scratch.Touched;
        var reached = 0;
        foreach (var token in tokens)
        {
            if (!_terms.TryGet(token, out var term)) continue;
            var postings = _terms.Postings(term);
            var frequency = _chunks.DeadPostings == 0 ? postings.Count : LiveCount(postings, lengths);
            if (frequency == 0) continue;
            // FTS5 (fts5_aux.c): idf = log((N - n + 0.5) / (n + 0.5)), floored at 1e-6 so a very common term still counts.
            var idf = Math.Log((live - frequency + 0.5) / (frequency + 0.5));
            if (idf <= 0.0) idf = 1e-6;
            var reader = postings.Read();
            while (reader.Next(out var ordinal, out var tf))
            {
                var length = lengths[ordinal];
                if (length < 0) continue;
                scores[ordinal] += idf * (tf * (K1 + 1.0) / (tf + K1 * (1 - B + B * length / averageLength)));
                if (matched[ordinal]++ == 0) touched[reached++] = ordinal;
            }
        }
        var candidates = scratch.CandidatesFor(reached);
        for (var i = 0; i < reached; i++)
        {
            var ordinal = touched[i];
            candidates[i] = new KeywordHit(_chunks.Id(ordinal), scores[ordinal], matched[ordinal]);
            scores[ordinal] = 0;
            matched[ordinal] = 0;
        }
        return reached;
    }

    private static int LiveCount(PostingList postings, ReadOnlySpan<int> lengths)
    {
        var count = 0;
        var reader = postings.Read();
        while (reader.Next(out var ordinal, out _))
            if (lengths[ordinal] >= 0) count++;
        return count;
    }

    private void AddBatch(List<(long Id, string Text)> batch)
    {
        if (batch.Count == 0) return;
        Write(() =>
        {
            foreach (var (id, text) in batch)
            {
                _chunks.Remove(id);
                Insert(id, text);
            }
        });
        batch.Clear();
    }

    /// <summary>Tokenizes into distinct term ids with their counts, then appends one posting per term. Caller holds the write lock.</summary>
    private void Insert(long id, ReadOnlySpan<char> text)
    {
        _chunkTerms.Start(_terms.Count);
        var sink = new ChunkTermSink(_terms, _chunkTerms);
        var length = KeywordTokenizer.Tokenize(text, ref sink);
        var ordinal = _chunks.Append(id, length, _chunkTerms.Count);
        for (var i = 0; i < _chunkTerms.Count; i++) _terms.Postings(_chunkTerms.Term(i)).Append(ordinal, _chunkTerms.Frequency(i));
    }

    private void CompactIfWorthIt()
    {
        var dead = _chunks.DeadPostings;
        if (dead >= _compactionMinimum && dead > _compactionFraction * (dead + _chunks.LivePostings)) CompactNow();
    }

    private void CompactNow()
    {
        if (_chunks.Slots == _chunks.Live) return;
        _terms.Compact(_chunks.Compact());
        _scratch.Clear(); // ordinals shrank: smaller arrays will do
    }

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Write(Action write)
    {
        _lock.EnterWriteLock();
        try
        {
            write();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private readonly struct ChunkTermSink(KeywordTerms terms, ChunkTerms chunk) : IKeywordSink
    {
        public void Token(scoped ReadOnlySpan<char> token) => chunk.Add(terms.GetOrAdd(token));
    }
}
