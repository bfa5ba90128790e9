namespace Dify.Workflows.Nodes.DocumentExtractor;

public sealed record DocumentExtractorOptions
{
    /// <summary>Largest file read into memory for extraction.</summary>
    public long MaxFileBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>
    /// True: html/htm give their visible text. False: the raw markup, which is what Dify returns
    /// (it treats html as plain text).
    /// </summary>
    public bool HtmlVisibleText { get; init; } = true;
}
