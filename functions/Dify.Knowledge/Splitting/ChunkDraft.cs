namespace Dify.Knowledge.Splitting;

/// <summary>
/// One segment as split: its position in the document (from 1) and content. For hierarchical rules the segment is a
/// parent and <see cref="Children"/> holds its child chunks (what gets embedded and searched); otherwise it is empty.
/// </summary>
public sealed record ChunkDraft(int Position, string Content, IReadOnlyList<string> Children)
{
    public bool IsParent => Children.Count > 0;
}
