using System.Globalization;
using System.Text;

namespace Dify.Workflows.Dsl.Yaml;

/// <summary>
/// Chooses how to write one string so that any YAML reader, PyYAML's YAML 1.1 included, reads back the
/// same string: plain when that is unambiguous, single quotes for one-line text, double quotes with
/// escapes for multi-line or unprintable text.
/// </summary>
internal static class YamlScalarText
{
    private const string Indicators = "-?:,[]{}#&*!|>'\"%@`";

    public static string Key(string key) => String(key);

    public static string String(string text)
    {
        if (NeedsDoubleQuotes(text)) return DoubleQuoted(text);
        return IsSafePlain(text) ? text : Quoted(text);
    }

    /// <summary>A quoted form even when plain would do (node ids and handles, as Dify writes them).</summary>
    public static string Quoted(string text) =>
        NeedsDoubleQuotes(text) ? DoubleQuoted(text) : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static bool IsSafePlain(string text)
    {
        if (text.Length == 0 || !Yaml11Scalars.ReadsBackAsString(text)) return false;
        if (Indicators.Contains(text[0], StringComparison.Ordinal) || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])) return false;
        if (text.EndsWith(':') || text.Contains(": ", StringComparison.Ordinal) || text.Contains(" #", StringComparison.Ordinal)) return false;
        if (text.IndexOfAny([',', '[', ']', '{', '}']) >= 0 || text == "<<" || text == "=") return false;
        // YAML 1.2 readers resolve a few more forms (0o17, 1e5, .Inf variants); quote them for those too.
        if (LooksNumeric(text)) return false;
        return true;
    }

    private static bool LooksNumeric(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || text.StartsWith("0o", StringComparison.OrdinalIgnoreCase) || text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("-0o", StringComparison.OrdinalIgnoreCase) || text.StartsWith("+0o", StringComparison.OrdinalIgnoreCase)
        || text.Equals("null", StringComparison.OrdinalIgnoreCase) || text.Equals("true", StringComparison.OrdinalIgnoreCase)
        || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase)
        || text.Equals("no", StringComparison.OrdinalIgnoreCase) || text.Equals("on", StringComparison.OrdinalIgnoreCase)
        || text.Equals("off", StringComparison.OrdinalIgnoreCase);

    // Single-quoted scalars fold line breaks and cannot escape; anything beyond printable one-line text
    // goes in double quotes. Printable follows PyYAML's reader, which rejects other control characters.
    private static bool NeedsDoubleQuotes(string text)
    {
        foreach (var c in text)
            if (!IsPrintable(c) || c is '\n' or '\r' or '\t' or '\u0085' or '\u2028' or '\u2029' || char.IsSurrogate(c) && !HasPair(text)) return true;
        return false;
    }

    private static bool HasPair(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    private static bool IsPrintable(char c) =>
        c is '\t' or '\n' or '\r' || (c >= ' ' && c <= '~') || c == '\u0085' || (c >= '\u00A0' && c <= '\uD7FF')
        || char.IsSurrogate(c) || (c >= '\uE000' && c <= '\uFFFD' && c != '\uFEFF');

    private static string DoubleQuoted(string text)
    {
        var sb = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1])))
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else if (!IsPrintable(c) || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF')
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
