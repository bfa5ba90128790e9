using System.Text.RegularExpressions;

namespace Dify.Knowledge.Splitting;

/// <summary>The separator debris Dify strips from the start of each chunk.</summary>
internal static partial class LeadingSymbols
{
    /// <summary>Paragraph chunks: remove_leading_symbols (general and CJK punctuation, ASCII symbols) then strip.</summary>
    public static string TidyParagraph(string chunk) => PyText.Strip(Leading().Replace(chunk, "", 1));

    /// <summary>Parent and child chunks: one leading "." or "。" removed (then stripped); otherwise unchanged.</summary>
    public static string TidyHierarchical(string chunk) =>
        chunk.StartsWith('.') || chunk.StartsWith('。') ? PyText.Strip(chunk[1..]) : chunk;

    [GeneratedRegex("^[\u2000-\u206F\u2E00-\u2E7F\u3000-\u303F\"#$%&'()*+,./:;<=>?@^_`~]+")]
    private static partial Regex Leading();
}
