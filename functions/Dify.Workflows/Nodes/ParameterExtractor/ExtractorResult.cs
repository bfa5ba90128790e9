using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Values;

namespace Dify.Workflows.Nodes.ParameterExtractor;

/// <summary>
/// Checks the model's answer against the parameters (Dify's _validate_result) and converts it into one value
/// per parameter (_transform_result): values that cannot be read as their type, and missing ones, get the
/// type's empty value (empty string, 0, false, []).
/// </summary>
internal static class ExtractorResult
{
    /// <summary>The first problem with the answer, or null when it is valid.</summary>
    public static string? Validate(JsonObject answer, IReadOnlyList<ExtractorParameter> parameters)
    {
        foreach (var p in parameters)
        {
            if (!answer.TryGetPropertyValue(p.Name, out var value) || value is null)
            {
                if (p.Required) return $"Parameter {p.Name} is required";
                continue;
            }
            var ok = p.Type switch
            {
                ParameterType.Number => IsNumber(value),
                ParameterType.Boolean => IsBool(value),
                ParameterType.String => IsString(value),
                ParameterType.Select => IsString(value) && (p.Options.Count == 0 || p.Options.Contains(value.GetValue<string>())),
                ParameterType.ArrayString => value is JsonArray a && a.All(IsString),
                ParameterType.ArrayNumber => value is JsonArray a && a.All(IsNumber),
                ParameterType.ArrayBoolean => value is JsonArray a && a.All(IsBool),
                ParameterType.ArrayObject => value is JsonArray a && a.All(x => x is JsonObject),
                _ => true,
            };
            if (!ok) return $"Invalid `{TypeName(p.Type)}` value for parameter {p.Name}";
        }
        return null;
    }

    public static JsonObject Transform(JsonObject? answer, IReadOnlyList<ExtractorParameter> parameters)
    {
        var result = new JsonObject();
        foreach (var p in parameters)
        {
            var value = answer is not null && answer.TryGetPropertyValue(p.Name, out var v) ? v : null;
            result[p.Name] = Coerce(value, p.Type) ?? Default(p.Type);
        }
        return result;
    }

    public static JsonNode Default(ParameterType type) => type switch
    {
        ParameterType.Number => 0,
        ParameterType.Boolean => false,
        ParameterType.String or ParameterType.Select => "",
        _ => new JsonArray(),
    };

    private static JsonNode? Coerce(JsonNode? value, ParameterType type)
    {
        if (value is null) return null;
        switch (type)
        {
            case ParameterType.Number: return Number(value);
            case ParameterType.Boolean: return Bool(value);
            case ParameterType.String or ParameterType.Select:
                return value is JsonValue s ? ValueText.ScalarText(s) : ValueText.ToText(value);
            case ParameterType.ArrayString:
                return Array(value, x => x is JsonValue s ? JsonValue.Create(ValueText.ScalarText(s)) : null);
            case ParameterType.ArrayNumber: return Array(value, Number);
            case ParameterType.ArrayBoolean: return Array(value, Bool);
            case ParameterType.ArrayObject: return Array(value, x => x is JsonObject o ? o.DeepClone() : null);
            default: return null;
        }
    }

    private static JsonArray? Array(JsonNode value, Func<JsonNode?, JsonNode?> item) =>
        value is JsonArray a ? new JsonArray(a.Select(item).Where(x => x is not null).ToArray()) : null;

    /// <summary>Numbers stay numbers (ints stay ints); numeric strings are read, as Dify's transform does.</summary>
    private static JsonNode? Number(JsonNode? value)
    {
        if (value is not JsonValue v) return null;
        if (IsNumber(v)) return v.DeepClone();
        if (v.GetValueKind() != JsonValueKind.String) return null;
        var s = v.GetValue<string>().Trim();
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
    }

    private static JsonNode? Bool(JsonNode? value)
    {
        if (value is not JsonValue v) return null;
        return v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => v.GetValue<string>().Trim().ToLowerInvariant() switch { "true" or "yes" or "1" => true, "false" or "no" or "0" => false, _ => null },
            JsonValueKind.Number => v.GetValue<double>() != 0,
            _ => null,
        };
    }

    private static bool IsNumber(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number;
    private static bool IsBool(JsonNode? n) => n is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
    private static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static string TypeName(ParameterType type) => type switch
    {
        ParameterType.Number => "number",
        ParameterType.Boolean => "bool",
        ParameterType.String => "string",
        ParameterType.Select => "select",
        _ => "array",
    };
}
