namespace Dify.Knowledge.Pipeline;

/// <summary>
/// A segment of a document as stored: for parent-child documents the parent, with its child chunks. <see cref="Indexed"/>
/// is false while its vectors and full-text entries are pending; <see cref="Hash"/> is the SHA-256 of the content (hex).
/// </summary>
public sealed record SegmentRecord(
    string Id, string DocumentId, int Position, string Content, string Hash, bool Indexed, bool Enabled, IReadOnlyList<ChildChunkRecord> ChildChunks,
    IReadOnlyList<string>? Keywords = null, string? Answer = null, int HitCount = 0);

/// <summary>A segment to add: content (for Q&amp;A documents the question), the answer, and keywords.</summary>
public sealed record SegmentDraft(string Content, string? Answer = null, IReadOnlyList<string>? Keywords = null);

/// <summary>What an update changes; null leaves a field as it is.</summary>
public sealed record SegmentEdit(string? Content = null, bool? Enabled = null, string? Answer = null, IReadOnlyList<string>? Keywords = null);

/// <summary>A child chunk of a parent-child segment (what is embedded and searched).</summary>
/// <param name="Type">Dify's child chunk type: "automatic" (made by the splitter) or "customized" (added or edited through the API).</param>
public sealed record ChildChunkRecord(string Id, int Position, string Content, string Hash, bool Indexed, string Type = ChildChunkTypes.Automatic);

/// <summary>The values of Dify's ChildChunk.type.</summary>
public static class ChildChunkTypes
{
    public const string Automatic = "automatic";
    public const string Customized = "customized";
}
