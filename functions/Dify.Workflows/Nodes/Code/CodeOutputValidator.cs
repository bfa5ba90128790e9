using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.Code;

/// <summary>
/// Checks main()'s result against the declared outputs exactly as Dify's CodeNode._transform_result
/// does (same rules, same messages, same error types): presence, no extra keys, types, limits,
/// nesting depth; strings lose NUL bytes and booleans declared as numbers become 0/1.
/// </summary>
internal sealed class CodeOutputValidator(CodeNodeOptions limits)
{
    public JsonObject Transform(JsonObject result, IReadOnlyDictionary<string, CodeOutputSchema>? schema, string prefix = "", int depth = 1)
    {
        if (depth > limits.MaxDepth)
            throw new NodeExecutionException($"Depth limit {limits.MaxDepth} reached, object too deep.", "DepthLimitError");

        if (schema is null)
        {
            foreach (var (name, value) in result) ValidateUntyped(name, value, prefix, depth);
            return (JsonObject)result.DeepClone();
        }

        var transformed = new JsonObject();
        foreach (var (name, config) in schema)
        {
            if (!result.ContainsKey(name)) throw Invalid($"Output {PathOf(prefix, name)} is missing.");
            transformed[name] = TransformTyped(name, config, result[name], prefix, depth);
        }
        if (schema.Count != result.Count)
            throw new NodeExecutionException("Not all output parameters are validated.", "CodeNodeError");
        return transformed;
    }

    private JsonNode? TransformTyped(string name, CodeOutputSchema config, JsonNode? value, string prefix, int depth)
    {
        var path = PathOf(prefix, name);
        if (PyTypes.IsNull(value)) return null; // every declared type accepts None
        switch (config.Type)
        {
            case "object":
                if (value is not JsonObject obj) throw Invalid($"Output {path} is not an object, got {PyTypes.Class(value)} instead.");
                return Transform(obj, config.Children, path, depth + 1);
            case "number":
                if (!PyTypes.IsNumberOrBool(value)) throw Invalid($"Output {path} is not a number, got {PyTypes.Class(value)} instead.");
                CheckNumber((JsonValue)value!, path);
                return BoolToInt(value!);
            case "string":
                if (!PyTypes.IsString(value)) throw Invalid($"Output {path} must be a string, got {PyTypes.Name(value)} instead.");
                return CheckString(value!.GetValue<string>(), path);
            case "boolean":
                return CheckBoolean(value!, path);
            case "array[number]":
            {
                var array = RequireArray(value, path);
                if (array.Count > limits.MaxNumberArrayLength)
                    throw Invalid($"The length of output variable `{path}` must be less than {limits.MaxNumberArrayLength} elements.");
                for (var i = 0; i < array.Count; i++)
                    if (!PyTypes.IsNumberOrBool(array[i])) throw Invalid($"The element at index {i} of output variable `{path}` must be a number.");
                return new JsonArray(array.Select(x => BoolToInt(x!)).ToArray());
            }
            case "array[string]":
            {
                var array = RequireArray(value, path);
                if (array.Count > limits.MaxStringArrayLength)
                    throw Invalid($"The length of output variable `{path}` must be less than {limits.MaxStringArrayLength} elements.");
                var items = new JsonNode?[array.Count];
                for (var i = 0; i < array.Count; i++)
                {
                    if (PyTypes.IsNull(array[i])) continue;
                    if (!PyTypes.IsString(array[i])) throw Invalid($"Output {path}[{i}] must be a string, got {PyTypes.Name(array[i])} instead.");
                    items[i] = CheckString(array[i]!.GetValue<string>(), $"{path}[{i}]");
                }
                return new JsonArray(items);
            }
            case "array[object]":
            {
                var array = RequireArray(value, path);
                if (array.Count > limits.MaxObjectArrayLength)
                    throw Invalid($"The length of output variable `{path}` must be less than {limits.MaxObjectArrayLength} elements.");
                var items = new JsonNode?[array.Count];
                for (var i = 0; i < array.Count; i++)
                {
                    if (PyTypes.IsNull(array[i])) continue;
                    if (array[i] is not JsonObject o) throw Invalid($"Output {path}[{i}] is not an object, got {PyTypes.Class(array[i])} instead at index {i}.");
                    items[i] = Transform(o, config.Children, $"{path}[{i}]", depth + 1);
                }
                return new JsonArray(items);
            }
            case "array[boolean]":
            {
                var array = RequireArray(value, path);
                for (var i = 0; i < array.Count; i++)
                    if (!PyTypes.IsNull(array[i]) && !PyTypes.IsBool(array[i]))
                        throw Invalid($"Output {path}[{i}] is not a boolean, got {PyTypes.Class(array[i])} instead.");
                return array.DeepClone();
            }
            default:
                throw Invalid($"Output type {config.Type} is not supported.");
        }
    }

    /// <summary>
    /// Dify passes booleans through unchecked. We reject non-booleans, except 0/1, which older Dify
    /// versions produced for booleans and which existing code still returns.
    /// </summary>
    private static JsonNode CheckBoolean(JsonNode value, string path)
    {
        if (PyTypes.IsBool(value)) return value.DeepClone();
        if (value is JsonValue v && PyTypes.TryInteger(v, out var n) && (n == 0 || n == 1)) return JsonValue.Create(n == 1);
        throw Invalid($"Output {path} must be a boolean, got {PyTypes.Name(value)} instead.");
    }

    private void ValidateUntyped(string name, JsonNode? value, string prefix, int depth)
    {
        var path = PathOf(prefix, name);
        switch (value)
        {
            case JsonObject o: Transform(o, null, path, depth + 1); return;
            case JsonArray a: ValidateUntypedList(name, a, prefix, depth); return;
            case var v when PyTypes.IsNull(v) || PyTypes.IsBool(v): return;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number: CheckNumber(v, path); return;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String: CheckString(v.GetValue<string>(), path); return;
            default: throw Invalid($"Output {path} is not a valid type.");
        }
    }

    private void ValidateUntypedList(string name, JsonArray list, string prefix, int depth)
    {
        var path = PathOf(prefix, name);
        if (list.Count == 0 || PyTypes.IsNull(list[0])) return;
        bool All(Func<JsonNode?, bool> test) => list.All(x => PyTypes.IsNull(x) || test(x));

        if (PyTypes.IsNumberOrBool(list[0]) && All(PyTypes.IsNumberOrBool))
        {
            for (var i = 0; i < list.Count; i++)
                if (list[i] is JsonValue v && v.GetValueKind() == JsonValueKind.Number) CheckNumber(v, $"{path}[{i}]");
            return;
        }
        if (PyTypes.IsString(list[0]) && All(PyTypes.IsString))
        {
            for (var i = 0; i < list.Count; i++)
                if (list[i] is JsonValue v) CheckString(v.GetValue<string>(), $"{path}[{i}]");
            return;
        }
        if ((list[0] is JsonObject && All(x => x is JsonObject)) || (list[0] is JsonArray && All(x => x is JsonArray)))
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject o) Transform(o, null, $"{path}[{i}]", depth + 1);
                else if (list[i] is JsonArray inner)
                {
                    if (depth + 1 > limits.MaxDepth)
                        throw new NodeExecutionException($"Depth limit {limits.MaxDepth} reached, object too deep.", "DepthLimitError");
                    ValidateUntypedList($"{name}[{i}]", inner, prefix, depth + 1);
                }
            }
            return;
        }
        throw Invalid($"Output {path} is not a valid array. make sure all elements are of the same type.");
    }

    private JsonValue CheckString(string value, string path)
    {
        if (value.Length > limits.MaxStringLength)
            throw Invalid($"The length of output variable `{path}` must be less than {limits.MaxStringLength} characters");
        return JsonValue.Create(value.Replace("\0", ""));
    }

    private void CheckNumber(JsonValue value, string path)
    {
        if (PyTypes.IsBool(value)) return;
        bool outOfRange;
        if (PyTypes.TryInteger(value, out var integer))
            outOfRange = integer > limits.MaxNumber || integer < limits.MinNumber;
        else
        {
            var d = value.GetValue<double>();
            outOfRange = d > limits.MaxNumber || d < limits.MinNumber;
        }
        if (outOfRange)
            throw Invalid($"Output variable `{path}` is out of range, it must be between {limits.MinNumber} and {limits.MaxNumber}.");
        if (!PyTypes.IsInteger(value) && Precision(value.GetValue<double>()) > limits.MaxPrecision)
            throw Invalid($"Output variable `{path}` has too high precision, it must be less than {limits.MaxPrecision} digits.");
    }

    /// <summary>Digits after the point of the shortest repr (Python: Decimal(str(f)).normalize() exponent).</summary>
    internal static int Precision(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d)) return 0;
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var parts = r.Split('E');
        var exponent = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        var dot = parts[0].IndexOf('.');
        var fraction = dot < 0 ? "" : parts[0][(dot + 1)..].TrimEnd('0');
        return Math.Max(0, fraction.Length - exponent);
    }

    private static JsonArray RequireArray(JsonNode? value, string path) =>
        value as JsonArray ?? throw Invalid($"Output {path} is not an array, got {PyTypes.Class(value)} instead.");

    private static JsonNode BoolToInt(JsonNode value) =>
        PyTypes.IsBool(value) ? JsonValue.Create(value.GetValueKind() == JsonValueKind.True ? 1 : 0) : value.DeepClone();

    private static string PathOf(string prefix, string name) => prefix.Length > 0 ? $"{prefix}.{name}" : name;

    private static NodeExecutionException Invalid(string message) => new(message, "OutputValidationError");
}
