using Dify.Knowledge.Index;
using Dify.Knowledge.Splitting;

namespace Dify.Knowledge.Pipeline;

/// <summary>
/// A batch of split segments stored already indexed (single-pass ingestion): each row's content hash in the order
/// <see cref="ChunkRows.Writer"/> inserts them (a segment; or a parent, then its children), the vectors' ordinals once
/// stored, and the searchable rows the writer inserted, for the search view.
/// </summary>
internal sealed class IndexedBatch
{
    private readonly List<byte[]> _hashes = [];
    private readonly List<string> _contents = [];
    private readonly List<bool> _searchable = [];
    private int _cursor;

    public IndexedBatch(IEnumerable<ChunkDraft> drafts)
    {
        foreach (var draft in drafts)
        {
            Add(draft.Content, searchable: !draft.IsParent);
            foreach (var child in draft.Children) Add(child, searchable: true);
        }
    }

    /// <summary>Ordinals by content hash (empty for a dataset without vectors).</summary>
    public Dictionary<byte[], long> Ordinals { get; set; } = new(ContentHashComparer.Instance);

    /// <summary>Vectors by content hash, for the search view (null for a dataset without vectors).</summary>
    public Dictionary<byte[], float[]>? Vectors { get; set; }

    /// <summary>The searchable rows inserted so far, for <see cref="SqliteKnowledgeIndex.ApplyIndexed"/>.</summary>
    public List<IndexedRow> Inserted { get; } = [];

    /// <summary>The contents that need a vector (segments and children; parents are not searched).</summary>
    public IEnumerable<(byte[] Hash, string Content)> Searchable() =>
        _hashes.Select((h, i) => (h, i)).Where(x => _searchable[x.i]).Select(x => (x.h, _contents[x.i]));

    /// <summary>The next row's hash and vector ordinal, in insert order.</summary>
    public (byte[] Hash, long? Ordinal) Next(long id, long parentId)
    {
        var i = _cursor++;
        var hash = _hashes[i];
        long? ordinal = _searchable[i] && Ordinals.TryGetValue(hash, out var o) ? o : null;
        if (_searchable[i]) Inserted.Add(new IndexedRow(id, parentId, _contents[i], ordinal ?? -1, Vectors?.GetValueOrDefault(hash)));
        return (hash, ordinal);
    }

    private void Add(string content, bool searchable)
    {
        _hashes.Add(ChunkRows.Hash(content));
        _contents.Add(content);
        _searchable.Add(searchable);
    }
}
