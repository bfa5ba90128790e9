using Dify.Workflows.Values;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Values;

/// <summary>
/// Dify's value-to-text conversions (DIFY-SPEC §3.4). The "text" form feeds prompts, URLs and
/// conditions; the "markdown" form feeds Answer and End streaming. Both imitate Python's str() for
/// scalars (True/False, 1.0) because that is what Dify users see.
/// </summary>
public static class ValueText
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // ensure_ascii=False
        WriteIndented = false,
    };

    private static readonly JsonSerializerOptions Indented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentSize = 2,
    };

    public static string ToText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v => ScalarText(v),
        JsonObject o when FileValue.IsFile(o) => "",
        JsonObject o => PythonJson(o),
        JsonArray { Count: 0 } => "",
        JsonArray a when a.All(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String) => PythonJson(a),
        JsonArray a => PythonRepr(a),
        _ => value.ToJsonString(Compact),
    };

    public static string ToMarkdown(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v => ScalarText(v),
        JsonObject o when FileValue.IsFile(o) => FileMarkdown(o),
        JsonObject o => o.ToJsonString(Indented),
        JsonArray a when a.Count > 0 && a.All(FileValue.IsFile) => string.Join("\n", a.Select(f => FileMarkdown((JsonObject)f!))),
        JsonArray a => string.Join("\n", a.Select(x => "- " + ToMarkdown(x))),
        _ => value.ToJsonString(Compact),
    };

    /// <summary>Compact JSON the way Python's json.dumps(ensure_ascii=False) writes it (", " and ": " separators).</summary>
    public static string PythonJson(JsonNode? node)
    {
        var sb = new StringBuilder();
        WritePythonJson(sb, node);
        return sb.ToString();
    }

    private static void WritePythonJson(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null: sb.Append("null"); break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(JsonSerializer.Serialize(k, Compact)).Append(": ");
                    WritePythonJson(sb, v);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WritePythonJson(sb, a[i]);
                }
                sb.Append(']');
                break;
            default: sb.Append(node.ToJsonString(Compact)); break;
        }
    }

    /// <summary>Python's repr of a list: [1, 2], [True], ['a', 'b'], [{'k': 1}].</summary>
    private static string PythonRepr(JsonNode? node) => node switch
    {
        null => "None",
        JsonArray a => "[" + string.Join(", ", a.Select(PythonRepr)) + "]",
        JsonObject o => "{" + string.Join(", ", o.Select(kv => PyStr(kv.Key) + ": " + PythonRepr(kv.Value))) + "}",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => PyStr(v.GetValue<string>()),
        JsonValue v => ScalarText(v),
        _ => node.ToJsonString(),
    };

    private static string PyStr(string s) =>
        s.Contains('\'') && !s.Contains('"') ? "\"" + s + "\"" : "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    /// <summary>Python str() of a scalar: strings as is, True/False, ints without a point, floats with one.</summary>
    public static string ScalarText(JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String: return v.GetValue<string>();
            case JsonValueKind.True: return "True";
            case JsonValueKind.False: return "False";
            case JsonValueKind.Null: return "";
            case JsonValueKind.Number: return NumberText(v);
            default: return v.ToJsonString(Compact);
        }
    }

    public static string NumberText(JsonValue v)
    {
        if (NumberIsInteger(v, out var l)) return l.ToString(CultureInfo.InvariantCulture);
        var d = v.AsDouble();
        return PythonFloat(d);
    }

    /// <summary>True when the JSON number is an integer in Python's sense (no fraction or exponent in its text).</summary>
    public static bool NumberIsInteger(JsonValue v, out long value)
    {
        value = 0;
        if (v.TryGetValue<long>(out value) && !v.TryGetValue<double>(out _)) return true;
        if (v.TryGetValue<int>(out var i)) { value = i; return true; }
        if (v.TryGetValue<long>(out value)) return true;
        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number)
        {
            var raw = e.GetRawText();
            if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && e.TryGetInt64(out value)) return true;
            return false;
        }
        return false;
    }

    public static string PythonFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return d.ToString("0.0", CultureInfo.InvariantCulture);
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E'))
        {
            // Python writes 1e-05 / 1e+20
            var parts = r.Split('E');
            var exp = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return parts[0] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        return r;
    }

    private static string FileMarkdown(JsonObject file)
    {
        var name = FileValue.GetString(file, "name") ?? "";
        var url = FileValue.GetString(file, "url") ?? "";
        return FileValue.GetString(file, "type") == "image" ? $"![{name}]({url})" : $"[{name}]({url})";
    }
}
