namespace Dify.Knowledge.Splitting;

/// <summary>Dify's process_rule.mode.</summary>
public enum ProcessRuleMode { Automatic, Custom, Hierarchical }

/// <summary>Dify's rules.parent_mode for hierarchical (parent-child) chunking.</summary>
public enum ParentMode { Paragraph, FullDoc }

/// <summary>rules.segmentation / rules.subchunk_segmentation. <see cref="MaxTokens"/> counts characters (Dify's quirk).</summary>
/// <param name="Separator">As stored by Dify: escaped (<c>"\\n\\n"</c>); <see cref="SeparatorText"/> unescapes it.</param>
public sealed record Segmentation(string Separator, int MaxTokens, int ChunkOverlap = 0)
{
    /// <summary>The separator with escapes (\n, \t, \r, \\, \uXXXX, \xXX) decoded, as Dify does before splitting.</summary>
    public string SeparatorText => SeparatorEscapes.Unescape(Separator);
}

/// <summary>rules.pre_processing_rules: the two that Dify applies (remove_stopwords is listed but unused).</summary>
public sealed record CleaningRules(bool RemoveExtraSpaces, bool RemoveUrlsEmails)
{
    public static CleaningRules None { get; } = new(false, false);
}

/// <summary>
/// A document's process_rule. Build with <see cref="Automatic"/>, <see cref="Custom"/>, <see cref="Hierarchical"/>,
/// or parse Dify's JSON with <see cref="ProcessRuleJson.Parse"/>; <see cref="Validate"/> applies Dify's limits.
/// </summary>
public sealed record ProcessRule(
    ProcessRuleMode Mode,
    CleaningRules Cleaning,
    Segmentation Segmentation,
    ParentMode ParentMode = ParentMode.Paragraph,
    Segmentation? SubchunkSegmentation = null)
{
    /// <summary>Dify's INDEXING_MAX_SEGMENTATION_TOKENS_LENGTH default.</summary>
    public const int DefaultMaxSegmentationLength = 4000;

    /// <summary>Dify's minimum custom segment length.</summary>
    public const int MinSegmentationLength = 50;

    /// <summary>DatasetProcessRule.AUTOMATIC_RULES: remove_extra_spaces on, urls/emails kept, 500 characters, 50 overlap.</summary>
    public static ProcessRule Automatic { get; } = new(ProcessRuleMode.Automatic, new CleaningRules(true, false), new Segmentation("\\n", 500, 50));

    /// <summary>A custom rule; the defaults are DocumentService.DEFAULT_RULES (separator \n, 1024, overlap 50).</summary>
    public static ProcessRule Custom(string separator = "\\n", int maxTokens = 1024, int chunkOverlap = 50, CleaningRules? cleaning = null) =>
        new(ProcessRuleMode.Custom, cleaning ?? new CleaningRules(true, false), new Segmentation(separator, maxTokens, chunkOverlap));

    /// <summary>A parent-child rule: parents by <paramref name="parent"/>, children by <paramref name="child"/>.</summary>
    public static ProcessRule Hierarchical(ParentMode parentMode, Segmentation parent, Segmentation child, CleaningRules? cleaning = null) =>
        new(ProcessRuleMode.Hierarchical, cleaning ?? new CleaningRules(true, false), parent, parentMode, child);

    /// <summary>Throws <see cref="ArgumentException"/> with Dify's messages when the rule cannot be used.</summary>
    public void Validate(int maxSegmentationLength = DefaultMaxSegmentationLength)
    {
        if (Mode == ProcessRuleMode.Automatic) return;
        Check(Segmentation, "segmentation", maxSegmentationLength);
        if (Mode == ProcessRuleMode.Hierarchical)
        {
            if (SubchunkSegmentation is null) throw new ArgumentException("No subchunk segmentation found in rules.");
            Check(SubchunkSegmentation, "subchunk_segmentation", maxSegmentationLength);
        }
    }

    private static void Check(Segmentation segmentation, string name, int max)
    {
        if (string.IsNullOrEmpty(segmentation.Separator)) throw new ArgumentException($"{name}.separator is required.");
        if (segmentation.MaxTokens < MinSegmentationLength || segmentation.MaxTokens > max)
            throw new ArgumentException($"Custom segment length should be between {MinSegmentationLength} and {max}.");
        if (segmentation.ChunkOverlap < 0 || segmentation.ChunkOverlap > segmentation.MaxTokens)
            throw new ArgumentException(
                $"Got a larger chunk overlap ({segmentation.ChunkOverlap}) than chunk size ({segmentation.MaxTokens}), should be smaller.");
    }
}
