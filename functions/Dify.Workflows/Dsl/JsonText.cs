using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Reads ids, handles, types and selector parts as strings whatever YAML made of them: a hand-written
/// <c>sourceHandle: true</c> is a boolean and an unquoted id is a number, yet both name strings.
/// </summary>
internal static class JsonText
{
    /// <summary>The text of a scalar (string, number or bool); null for null, missing or non-scalar nodes.</summary>
    public static string? ScalarText(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => NumberText(value),
            _ => null,
        };
    }

    public static bool IsScalar(JsonNode? node) => node is JsonValue value && value.GetValueKind() != JsonValueKind.Null;

    /// <summary>The string of a string node only (no conversion); null otherwise.</summary>
    public static string? StringOrNull(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static bool IsTrue(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    public static string NumberText(JsonValue value) => NonFinite(value) switch
    {
        null => value.ToJsonString(),
        double.NegativeInfinity => "-inf",
        double.PositiveInfinity => "inf",
        _ => "nan",
    };

    /// <summary>The value when it is an infinity or NaN (which JSON cannot write); null otherwise.</summary>
    public static double? NonFinite(JsonValue value)
    {
        if (value.TryGetValue<double>(out var real) && !double.IsFinite(real)) return real;
        if (value.TryGetValue<float>(out var single) && !float.IsFinite(single)) return single;
        return null;
    }
}
