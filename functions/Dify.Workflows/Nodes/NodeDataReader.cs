using Dify.Workflows.Values;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;
using Dify.Workflows.Graph;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes;

/// <summary>
/// Lenient, typed reads of a node's data with problems recorded against the file, node and field.
/// Unknown keys are ignored (Dify's node models accept extra keys); values of the wrong kind are
/// coerced where Dify's pydantic models would coerce them ("3" → 3, 1 → true).
/// </summary>
public sealed class NodeDataReader(string file, GraphNode node, List<DslProblem> problems)
{
    public string File { get; } = file;
    public GraphNode Node { get; } = node;
    public JsonObject Data => Node.Data;
    public IReadOnlyList<DslProblem> Problems => problems;

    public void Problem(string? field, string message) => problems.Add(new DslProblem(File, Node.Id, field, message));
    public void Warning(string? field, string message) => problems.Add(new DslProblem(File, Node.Id, field, message, IsWarning: true));

    public JsonNode? Raw(string field) => Data[field];

    public string? String(string field, bool required = false) => String(Data, field, required, field);

    public string? String(JsonObject? obj, string key, bool required, string path)
    {
        var n = obj?[key];
        if (n is null)
        {
            if (required) Problem(path, "is required");
            return null;
        }
        return n is JsonValue v ? ScalarString(v) : n.ToJsonString();
    }

    public bool Bool(string field, bool fallback = false) => Bool(Data, field, fallback);

    public static bool Bool(JsonObject? obj, string key, bool fallback = false) => obj?[key] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.AsDouble() != 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim().ToLowerInvariant() is "true" or "1" or "yes",
        _ => fallback,
    };

    public int Int(string field, int fallback) => Int(Data, field, fallback, field);

    public int Int(JsonObject? obj, string key, int fallback, string path)
    {
        var d = Double(obj, key, null, path);
        return d is null ? fallback : (int)d.Value;
    }

    public double? Double(JsonObject? obj, string key, double? fallback, string path)
    {
        switch (obj?[key])
        {
            case null: return fallback;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number: return v.AsDouble();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                if (string.IsNullOrWhiteSpace(v.GetValue<string>())) return fallback;
                Problem(path, $"must be a number, got '{v.GetValue<string>()}'");
                return fallback;
            default:
                Problem(path, "must be a number");
                return fallback;
        }
    }

    public JsonObject? Object(string field, bool required = false)
    {
        var n = Data[field];
        if (n is JsonObject o) return o;
        if (n is null) { if (required) Problem(field, "is required"); return null; }
        Problem(field, "must be an object");
        return null;
    }

    public JsonArray Array(string field, bool required = false) => Array(Data, field, required, field);

    public JsonArray Array(JsonObject? obj, string key, bool required, string path)
    {
        var n = obj?[key];
        if (n is JsonArray a) return a;
        if (n is null) { if (required) Problem(path, "is required"); return []; }
        Problem(path, "must be a list");
        return [];
    }

    /// <summary>Reads a selector ([node_id, name, ...]); a malformed one is a problem naming the field.</summary>
    public Selector? Selector(string field, bool required = false) => Selector(Data, field, required, field);

    public Selector? Selector(JsonObject? obj, string key, bool required, string path)
    {
        var n = obj?[key];
        if (n is null || (n is JsonArray { Count: 0 }))
        {
            if (required) Problem(path, "is required (a variable selector)");
            return null;
        }
        if (Variables.Selector.TryParse(n, out var s)) return s;
        Problem(path, $"is not a valid variable selector: {n.ToJsonString()}");
        return null;
    }

    public static string ScalarString(JsonValue v) => v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.ToJsonString(),
    };
}
