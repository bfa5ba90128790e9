using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.Code;

/// <summary>
/// The Python view of JSON values that Dify's validation messages and rules are written in:
/// type names (str, int, float, bool, dict, list, NoneType) and "bool is an int".
/// </summary>
internal static class PyTypes
{
    public static string Name(JsonNode? node) => node switch
    {
        null => "NoneType",
        JsonObject => "dict",
        JsonArray => "list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "str",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => IsInteger(v) ? "int" : "float",
            _ => "NoneType",
        },
        _ => "object",
    };

    /// <summary>Python's str(type(x)): "&lt;class 'str'&gt;".</summary>
    public static string Class(JsonNode? node) => $"<class '{Name(node)}'>";

    public static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;
    public static bool IsBool(JsonNode? n) => n is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
    public static bool IsNumberOrBool(JsonNode? n) => n is JsonValue v && v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;
    public static bool IsNull(JsonNode? n) => n is null || (n is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    /// <summary>A JSON number without fraction or exponent is a Python int.</summary>
    public static bool IsInteger(JsonValue v) => RawNumber(v) is { } raw && raw.IndexOfAny(['.', 'e', 'E']) < 0;

    public static bool TryInteger(JsonValue v, out BigInteger value)
    {
        value = default;
        return RawNumber(v) is { } raw && raw.IndexOfAny(['.', 'e', 'E']) < 0
            && BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The number as JSON text (what the sandbox printed), whatever backs the node.</summary>
    public static string? RawNumber(JsonValue v)
    {
        if (v.GetValueKind() != JsonValueKind.Number) return null;
        if (v.TryGetValue<JsonElement>(out var e)) return e.GetRawText();
        return v.ToJsonString();
    }
}
