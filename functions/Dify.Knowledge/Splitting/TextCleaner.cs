using System.Text;
using System.Text.RegularExpressions;

namespace Dify.Knowledge.Splitting;

/// <summary>
/// Dify's CleanProcessor. Always: "&lt;|" → "&lt;", "|&gt;" → "&gt;", control characters removed, and (Dify's quirk, kept)
/// the characters U+00EF "ï", U+00BF "¿" and U+00BE "¾" too, meant as the UTF-8 bytes of U+FFFE. Then the enabled rules:
/// remove_extra_spaces (3+ newlines → 2, runs of 2+ horizontal spaces → one space) and remove_urls_emails
/// (emails and http(s) URLs removed, except the URL of a markdown image, whose alt text becomes "image").
/// Every pattern stays inside one line or one whitespace run, so cleaning blocks cut by <see cref="CleanedTextReader"/> equals cleaning the whole text.
/// </summary>
public static partial class TextCleaner
{
    public static string Clean(string text, CleaningRules rules)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(rules);
        if (text.Contains("<|", StringComparison.Ordinal)) text = text.Replace("<|", "<", StringComparison.Ordinal);
        if (text.Contains("|>", StringComparison.Ordinal)) text = text.Replace("|>", ">", StringComparison.Ordinal);
        if (text.AsSpan().IndexOfAny(InvalidSymbols) >= 0) text = RemoveInvalid(text);

        if (rules.RemoveExtraSpaces)
        {
            text = ManyNewlines().Replace(text, "\n\n");
            text = ManySpaces().Replace(text, " ");
        }
        if (rules.RemoveUrlsEmails)
        {
            text = Email().Replace(text, "");
            var images = new List<string>();
            text = MarkdownImage().Replace(text, m =>
            {
                images.Add(m.Groups[1].Value);
                return $"![image](__MARKDOWN_IMAGE_URL_{images.Count - 1}__)";
            });
            text = Url().Replace(text, "");
            for (var i = 0; i < images.Count; i++) text = text.Replace($"__MARKDOWN_IMAGE_URL_{i}__", images[i], StringComparison.Ordinal);
        }
        return text;
    }

    private static readonly System.Buffers.SearchValues<char> InvalidSymbols = System.Buffers.SearchValues.Create(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0B\x0C\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F\xEF\xBF\xBE\uFFFE");

    private static string RemoveInvalid(string text)
    {
        var sb = new StringBuilder(text.Length);
        var span = text.AsSpan();
        while (span.Length > 0)
        {
            var i = span.IndexOfAny(InvalidSymbols);
            if (i < 0)
            {
                sb.Append(span);
                break;
            }
            sb.Append(span[..i]);
            span = span[(i + 1)..];
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex ManyNewlines();

    [GeneratedRegex(@"[\t\f\r\x20\u00a0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]{2,}")]
    private static partial Regex ManySpaces();

    [GeneratedRegex(@"([a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9.-]+)")]
    private static partial Regex Email();

    [GeneratedRegex(@"!\[.*?\]\((https?://[^\s)]+)\)")]
    private static partial Regex MarkdownImage();

    [GeneratedRegex(@"https?://[^\s)]+")]
    private static partial Regex Url();
}
