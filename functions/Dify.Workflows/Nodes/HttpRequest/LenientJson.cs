using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>
/// Parses a JSON body the way Dify's json_repair + json.loads(strict=False) mostly does, for the cheap
/// cases that occur in practice: raw control characters inside strings (templated values with
/// newlines), trailing commas, comments, single-quoted strings and Python's True/False/None.
/// Anything else is not guessed at: the caller reports "Failed to parse JSON".
/// </summary>
internal static class LenientJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static bool TryParse(string text, out JsonNode? value)
    {
        value = null;
        // json_repair turns an empty document into an empty string.
        if (string.IsNullOrWhiteSpace(text)) { value = JsonValue.Create(""); return true; }
        if (TryStrict(text, out value)) return true;
        return TryStrict(Repair(text), out value);
    }

    private static bool TryStrict(string text, out JsonNode? value)
    {
        try
        {
            value = JsonNode.Parse(text, documentOptions: Options);
            return true;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>Rewrites strings to double quotes, escapes raw control characters, and maps Python literals.</summary>
    internal static string Repair(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                i = CopyString(text, i, sb);
                continue;
            }
            if (char.IsLetter(c) && (i == 0 || !char.IsLetterOrDigit(text[i - 1])))
            {
                var end = i;
                while (end < text.Length && char.IsLetterOrDigit(text[end])) end++;
                var word = text[i..end];
                sb.Append(word switch { "True" => "true", "False" => "false", "None" => "null", _ => word });
                i = end;
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    private static int CopyString(string text, int start, StringBuilder sb)
    {
        var quote = text[start];
        sb.Append('"');
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (next == '\'') sb.Append('\''); // \' is not a JSON escape
                else sb.Append(c).Append(next);
                i += 2;
                continue;
            }
            if (c == quote) { sb.Append('"'); return i + 1; }
            if (c == '"') sb.Append("\\\""); // a double quote inside a single-quoted string
            else if (c < ' ') sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            else sb.Append(c);
            i++;
        }
        return i; // unterminated: leave it to the parser to fail
    }
}
