using System.Runtime.CompilerServices;

namespace Dify.Knowledge.Splitting;

/// <summary>Limits the chunker needs beyond the process rule.</summary>
public sealed record ChunkerOptions
{
    /// <summary>
    /// Dify's full-doc mode makes the whole document one parent; documents longer than this many characters are cut
    /// (Dify reportedly keeps 10 000 tokens). Also bounds memory for that mode.
    /// </summary>
    public int FullDocMaxLength { get; init; } = 10_000;

    /// <summary>A stretch of text with no separator longer than this is cut before splitting, to bound memory (Dify would hold it whole).</summary>
    public int MaxSectionLength { get; init; } = 1 << 20;

    /// <summary>The largest max_tokens a custom rule may ask for (Dify's INDEXING_MAX_SEGMENTATION_TOKENS_LENGTH).</summary>
    public int MaxSegmentationLength { get; init; } = ProcessRule.DefaultMaxSegmentationLength;
}

/// <summary>
/// Dify's chunking of one document's (already cleaned) text, streaming: automatic, custom (paragraph) and
/// hierarchical (parent-child, paragraph or full-doc) rules, with Dify's tidying of each chunk. Lengths are characters.
/// </summary>
public sealed class DocumentChunker
{
    private readonly ProcessRule _rule;
    private readonly ChunkerOptions _options;

    public DocumentChunker(ProcessRule rule, ChunkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _options = options ?? new ChunkerOptions();
        rule.Validate(_options.MaxSegmentationLength);
        _rule = rule;
    }

    /// <summary>The cleaning the rule asks for; null when Dify cleans nothing (full-doc mode).</summary>
    public CleaningRules? Cleaning => _rule is { Mode: ProcessRuleMode.Hierarchical, ParentMode: ParentMode.FullDoc } ? null : _rule.Cleaning;

    /// <summary>Cleans and splits a whole text (tests, small documents).</summary>
    public IReadOnlyList<ChunkDraft> Chunk(string text)
    {
        var blocks = CleanedTextReader.ReadBlocksAsync(new StringReader(text), Cleaning);
        return SplitAsync(blocks).ToBlockingEnumerable().ToList();
    }

    /// <summary>Splits cleaned text blocks (from <see cref="CleanedTextReader"/>) into segments, in order.</summary>
    public async IAsyncEnumerable<ChunkDraft> SplitAsync(IAsyncEnumerable<string> cleanedBlocks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var position = 0;
        if (_rule.Mode == ProcessRuleMode.Hierarchical && _rule.ParentMode == ParentMode.FullDoc)
        {
            var parent = await ReadPrefixAsync(cleanedBlocks, _options.FullDocMaxLength, cancellationToken).ConfigureAwait(false);
            var children = Children(parent);
            if (!PyText.IsBlank(parent) && children.Count > 0) yield return new ChunkDraft(1, parent, children);
            yield break;
        }

        var raw = _rule.Mode == ProcessRuleMode.Automatic ? AutomaticAsync(cleanedBlocks, cancellationToken) : FixedAsync(cleanedBlocks, cancellationToken);
        await foreach (var chunks in raw.ConfigureAwait(false))
        {
            foreach (var chunk in chunks)
            {
                if (PyText.IsBlank(chunk)) continue;
                if (_rule.Mode == ProcessRuleMode.Hierarchical)
                {
                    var parent = LeadingSymbols.TidyHierarchical(chunk);
                    if (parent.Length == 0) continue;
                    var children = Children(parent);
                    // Dify keeps a parent without children, but it can never be found; an empty parent is not stored.
                    yield return new ChunkDraft(++position, parent, children);
                }
                else
                {
                    var content = LeadingSymbols.TidyParagraph(chunk);
                    if (content.Length > 0) yield return new ChunkDraft(++position, content, []);
                }
            }
        }
    }

    /// <summary>Automatic mode: the recursive splitter over the whole text, fed one "\n\n"-terminated piece at a time.</summary>
    private async IAsyncEnumerable<List<string>> AutomaticAsync(IAsyncEnumerable<string> blocks, [EnumeratorCancellation] CancellationToken ct)
    {
        var splitter = new RecursiveSplitter(_rule.Segmentation.MaxTokens, _rule.Segmentation.ChunkOverlap);
        var rest = RecursiveSplitter.DefaultSeparators.AsMemory(1);
        var output = new List<string>();
        var merger = new ChunkMerger(splitter.ChunkSize, splitter.ChunkOverlap, "", output);
        await foreach (var piece in SeparatorSections.SplitAsync(blocks, "\n\n", keepSeparator: true, _options.MaxSectionLength, ct).ConfigureAwait(false))
        {
            if (piece.Length == 0 || piece == "\n") continue;
            var length = PyText.Len(piece);
            if (length < splitter.ChunkSize) merger.Add(piece, length);
            else
            {
                merger.Flush();
                splitter.SplitRecursive(piece, rest.Span, output);
            }
            if (output.Count > 0)
            {
                yield return [.. output];
                output.Clear();
            }
        }
        merger.Flush();
        yield return output;
    }

    /// <summary>Custom and hierarchical parents: split on the fixed separator, each piece on its own.</summary>
    private async IAsyncEnumerable<List<string>> FixedAsync(IAsyncEnumerable<string> blocks, [EnumeratorCancellation] CancellationToken ct)
    {
        var splitter = new RecursiveSplitter(_rule.Segmentation.MaxTokens, _rule.Segmentation.ChunkOverlap);
        var separator = _rule.Segmentation.SeparatorText;
        await foreach (var piece in SeparatorSections.SplitAsync(blocks, separator, keepSeparator: false, _options.MaxSectionLength, ct).ConfigureAwait(false))
        {
            var output = new List<string>();
            splitter.SplitFixedPiece(piece, output);
            yield return output;
        }
    }

    private List<string> Children(string parent)
    {
        var sub = _rule.SubchunkSegmentation!;
        var raw = new List<string>();
        new RecursiveSplitter(sub.MaxTokens, sub.ChunkOverlap).SplitFixed(parent, sub.SeparatorText, raw);
        var children = new List<string>(raw.Count);
        foreach (var chunk in raw)
        {
            if (PyText.IsBlank(chunk)) continue;
            var child = LeadingSymbols.TidyHierarchical(chunk);
            if (child.Length > 0) children.Add(child);
        }
        return children;
    }

    private static async Task<string> ReadPrefixAsync(IAsyncEnumerable<string> blocks, int maxLength, CancellationToken ct)
    {
        var sb = new System.Text.StringBuilder();
        await foreach (var block in blocks.WithCancellation(ct).ConfigureAwait(false))
        {
            sb.Append(block.AsSpan(0, Math.Min(block.Length, maxLength - sb.Length)));
            if (sb.Length >= maxLength) break;
        }
        return sb.ToString();
    }
}
