using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.Start;

/// <summary>The user's inputs do not fit the start form (Dify answers 400 invalid_param).</summary>
public sealed class InputValidationException(string message) : Exception(message);

/// <summary>
/// Validates and coerces user inputs against the start form the way Dify's app runner does
/// before a run starts: required fields, defaults, max_length, select options, numbers from strings.
/// </summary>
public static class StartInputValidator
{
    public static JsonObject Validate(StartNodeData form, JsonObject? inputs)
    {
        var result = new JsonObject();
        foreach (var v in form.Variables)
        {
            var value = inputs?[v.Variable]?.DeepClone();
            // Dify treats an empty value like a missing one ("not user_input_value").
            var empty = value is null || (value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Length == 0);
            if (empty)
            {
                if (value is not null && !v.Required && v.Default is null) { result[v.Variable] = value; continue; }
                if (v.Required && (v.Default is null || IsBlank(v.Default))) throw new InputValidationException($"{v.Variable} is required in input form");
                value = v.Default?.DeepClone();
                if (value is null) { result[v.Variable] = null; continue; }
            }
            result[v.Variable] = Coerce(v, value!);
        }
        // Inputs that the form does not declare are passed through (Dify keeps them in the pool too).
        if (inputs is not null)
            foreach (var (k, val) in inputs)
                if (!result.ContainsKey(k)) result[k] = val?.DeepClone();
        return result;
    }

    private static bool IsBlank(JsonNode n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0;

    private static JsonNode? Coerce(StartVariable v, JsonNode value)
    {
        switch (v.Type)
        {
            case "text-input" or "paragraph" or "select":
            {
                if (value is not JsonValue sv) throw new InputValidationException($"{v.Variable} in input form must be a string");
                var text = sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : sv.ToJsonString();
                if (v.MaxLength is int max && text.Length > max)
                    throw new InputValidationException($"{v.Variable} in input form must be less than {max} characters");
                if (v.Type == "select" && v.Options.Count > 0 && text.Length > 0 && !v.Options.Contains(text))
                    throw new InputValidationException($"{v.Variable} in input form must be one of the following: [{string.Join(", ", v.Options.Select(o => "'" + o + "'"))}]");
                return JsonValue.Create(text);
            }
            case "number":
            {
                if (value is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number) return value;
                var text = value.ToString();
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
                throw new InputValidationException($"{v.Variable} in input form must be a valid number");
            }
            case "checkbox":
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? value
                    : JsonValue.Create(value.ToString().Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on");
            case "json_object":
                if (value is JsonObject) return value;
                if (value is JsonValue js && js.GetValueKind() == JsonValueKind.String)
                {
                    try { if (JsonNode.Parse(js.GetValue<string>()) is JsonObject o) return o; }
                    catch (JsonException) { }
                }
                throw new InputValidationException($"{v.Variable} in input form must be a JSON object");
            case "file":
                if (value is JsonObject) return value;
                throw new InputValidationException($"{v.Variable} in input form must be a file");
            case "file-list":
                if (value is JsonArray) return value;
                throw new InputValidationException($"{v.Variable} in input form must be a list of files");
            default:
                return value;
        }
    }
}
