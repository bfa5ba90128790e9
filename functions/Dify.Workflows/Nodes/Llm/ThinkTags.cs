using System.Text;
using System.Text.RegularExpressions;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Reasoning models either inline <c>&lt;think&gt;…&lt;/think&gt;</c> in the answer or send reasoning_content
/// separately. Dify normalises both to the tagged form and then, for reasoning_format=separated, moves the
/// tagged part out of the text.
/// </summary>
public static partial class ThinkTags
{
    [GeneratedRegex(@"<think>(.*?)</think>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Block();

    /// <summary>Wraps provider reasoning_content the way Dify's model plugins do (tagged form).</summary>
    public static string Wrap(string reasoning) => "<think>\n" + reasoning + "\n</think>";

    /// <summary>Splits the text into (answer without think blocks, joined reasoning).</summary>
    public static (string Text, string Reasoning) Separate(string text)
    {
        var reasoning = new StringBuilder();
        foreach (Match m in Block().Matches(text))
        {
            if (reasoning.Length > 0) reasoning.Append('\n');
            reasoning.Append(m.Groups[1].Value.Trim());
        }
        if (reasoning.Length == 0 && !text.Contains("<think>", StringComparison.OrdinalIgnoreCase)) return (text, "");
        var stripped = Block().Replace(text, "");
        // An unterminated block (answer cut by max_tokens) is all reasoning.
        var open = stripped.IndexOf("<think>", StringComparison.OrdinalIgnoreCase);
        if (open >= 0)
        {
            if (reasoning.Length > 0) reasoning.Append('\n');
            reasoning.Append(stripped[(open + "<think>".Length)..].Trim());
            stripped = stripped[..open];
        }
        return (stripped.TrimStart(), reasoning.ToString());
    }

    /// <summary>The text with think blocks removed (classifier and extractor answers).</summary>
    public static string Strip(string text) => Separate(text).Text.Trim();
}
