using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Values;

/// <summary>
/// Reads numbers from JSON values whatever backs them: values parsed from JSON hold a JsonElement,
/// values built in code or from YAML hold a long or a double, and JsonValue.GetValue&lt;double&gt;
/// refuses a long-backed value.
/// </summary>
public static class JsonNumber
{
    public static bool TryGetDouble(this JsonValue value, out double result)
    {
        if (value.TryGetValue(out result)) return true;
        if (value.TryGetValue(out long l)) { result = l; return true; }
        if (value.TryGetValue(out int i)) { result = i; return true; }
        if (value.TryGetValue(out decimal m)) { result = (double)m; return true; }
        if (value.TryGetValue(out float f)) { result = f; return true; }
        if (value.TryGetValue(out ulong ul)) { result = ul; return true; }
        if (value.TryGetValue(out uint ui)) { result = ui; return true; }
        if (value.TryGetValue(out short s)) { result = s; return true; }
        if (value.TryGetValue(out JsonElement e) && e.ValueKind == JsonValueKind.Number) { result = e.GetDouble(); return true; }
        result = 0;
        return false;
    }

    /// <summary>The value as a double; throws for non-numbers.</summary>
    public static double AsDouble(this JsonValue value) =>
        value.TryGetDouble(out var d) ? d : throw new InvalidOperationException($"{value.ToJsonString()} is not a number");
}
