using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Dsl.Yaml;

/// <summary>
/// Writes a JSON tree as block YAML in the style of PyYAML's <c>yaml.dump(allow_unicode=True)</c>: keys
/// sorted by code point, sequences not indented under their key, unicode left as is, and strings quoted
/// only when a YAML 1.1 reader would otherwise take them for something else. Strings listed in
/// <c>alwaysQuote</c> paths (ids, handles) are quoted regardless, as Dify's own exports do.
/// </summary>
internal sealed class YamlWriter
{
    private readonly StringBuilder output = new();
    private readonly Func<string, bool> alwaysQuoteKey;

    private YamlWriter(Func<string, bool> alwaysQuoteKey) => this.alwaysQuoteKey = alwaysQuoteKey;

    /// <summary>Writes <paramref name="root"/>; string values under keys matching <paramref name="alwaysQuoteKey"/> are quoted.</summary>
    public static string Write(JsonObject root, Func<string, bool> alwaysQuoteKey)
    {
        var writer = new YamlWriter(alwaysQuoteKey);
        writer.WriteMapping(root, 0, firstLineDone: false);
        return writer.output.ToString();
    }

    private void WriteMapping(JsonObject map, int indent, bool firstLineDone)
    {
        var first = true;
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!(first && firstLineDone)) output.Append(' ', indent);
            first = false;
            output.Append(YamlScalarText.Key(key)).Append(':');
            WriteValueAfterKey(value, indent, alwaysQuoteKey(key));
        }
    }

    private void WriteValueAfterKey(JsonNode? value, int indent, bool quote)
    {
        switch (value)
        {
            case JsonObject map when map.Count > 0:
                output.Append('\n');
                WriteMapping(map, indent + 2, firstLineDone: false);
                break;
            case JsonArray list when list.Count > 0:
                output.Append('\n');
                WriteSequence(list, indent, quote);
                break;
            default:
                output.Append(' ').Append(Scalar(value, quote)).Append('\n');
                break;
        }
    }

    // PyYAML writes a sequence under a mapping key at the key's own indentation ("key:\n- a").
    private void WriteSequence(JsonArray list, int indent, bool quote)
    {
        foreach (var item in list)
        {
            output.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject map when map.Count > 0:
                    output.Append(' ');
                    WriteMapping(map, indent + 2, firstLineDone: true);
                    break;
                case JsonArray inner when inner.Count > 0:
                    output.Append('\n');
                    WriteSequence(inner, indent + 2, quote);
                    break;
                default:
                    output.Append(' ').Append(Scalar(item, quote)).Append('\n');
                    break;
            }
        }
    }

    private static string Scalar(JsonNode? node, bool quote) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => quote ? YamlScalarText.Quoted(value.GetValue<string>()) : YamlScalarText.String(value.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => Number(value),
            _ => "null",
        },
        _ => "null",
    };

    // Numbers must read back as numbers under YAML 1.1, whose floats need a dot and a signed exponent.
    private static string Number(JsonValue value)
    {
        if (JsonText.NonFinite(value) is { } special) return special switch
        {
            double.NegativeInfinity => "-.inf",
            double.PositiveInfinity => ".inf",
            _ => ".nan",
        };
        var raw = value.ToJsonString();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0) return raw; // an integer; YAML 1.1 ints are unbounded
        var e = raw.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? raw : raw[..e];
        var exponent = e < 0 ? "" : raw[(e + 1)..];
        if (!mantissa.Contains('.', StringComparison.Ordinal)) mantissa += ".0";
        if (exponent.Length > 0 && exponent[0] is not ('-' or '+')) exponent = "+" + exponent;
        return exponent.Length == 0 ? mantissa : $"{mantissa}e{exponent}";
    }
}
