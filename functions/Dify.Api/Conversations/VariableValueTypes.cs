using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Api.Conversations;

/// <summary>Whether a value fits a conversation variable's Dify value_type.</summary>
public static class VariableValueTypes
{
    public static bool Fits(string valueType, JsonNode? value)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        return valueType switch
        {
            "string" or "secret" => kind == JsonValueKind.String,
            "number" or "integer" or "float" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "object" => kind == JsonValueKind.Object,
            "array[string]" => value is JsonArray a && a.All(i => i?.GetValueKind() == JsonValueKind.String),
            "array[number]" => value is JsonArray a && a.All(i => i?.GetValueKind() == JsonValueKind.Number),
            "array[object]" => value is JsonArray a && a.All(i => i?.GetValueKind() == JsonValueKind.Object),
            "array[boolean]" => value is JsonArray a && a.All(i => i?.GetValueKind() is JsonValueKind.True or JsonValueKind.False),
            "array" or "array[any]" => kind == JsonValueKind.Array,
            _ => true,
        };
    }

    /// <summary>The Python type name Dify's mismatch message uses.</summary>
    public static string PythonTypeOf(JsonNode? value) => (value?.GetValueKind() ?? JsonValueKind.Null) switch
    {
        JsonValueKind.String => "str",
        JsonValueKind.Number => value!.ToJsonString().Contains('.') ? "float" : "int",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "dict",
        JsonValueKind.Array => "list",
        _ => "NoneType",
    };
}
