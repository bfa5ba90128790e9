using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Common;

/// <summary>
/// Dify's comparison operators (DIFY-SPEC §2.6), shared by if-else, loop break conditions and
/// list-operator filters. A missing variable raises; type mismatches raise with Dify's messages.
/// </summary>
public static class ConditionEvaluator
{
    public static readonly IReadOnlySet<string> KnownOperators = new HashSet<string>(StringComparer.Ordinal)
    {
        "contains", "not contains", "start with", "end with", "is", "is not", "empty", "not empty",
        "in", "not in", "all of", "=", "≠", ">", "<", "≥", "≤", "null", "not null", "exists", "not exists",
        // ASCII spellings seen in hand-written files
        "!=", ">=", "<=", "==",
    };

    /// <summary>Evaluates conditions with and/or short-circuit. Returns the per-condition results evaluated so far.</summary>
    public static bool EvaluateAll(VariablePool pool, IReadOnlyList<Condition> conditions, string logicalOperator, List<bool>? trace = null)
    {
        var isAnd = !string.Equals(logicalOperator, "or", StringComparison.OrdinalIgnoreCase);
        if (conditions.Count == 0) return isAnd; // Dify: an empty "and" case is true
        foreach (var c in conditions)
        {
            var ok = Evaluate(pool, c);
            trace?.Add(ok);
            if (isAnd && !ok) return false;
            if (!isAnd && ok) return true;
        }
        return isAnd;
    }

    public static bool Evaluate(VariablePool pool, Condition c)
    {
        if (!pool.TryGet(c.Selector, out var actual))
            throw new NodeExecutionException($"Variable {string.Join('.', c.Selector.Parts)} not found", "VariableNotFoundError");

        if (c.SubConditions is not null && actual is JsonArray files && c.Operator is "contains" or "not contains" or "all of")
            return EvaluateFileArray(files, c.Operator, c.SubConditions);

        var expected = c.Value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String
            ? JsonValue.Create(VariableTemplate.RenderText(sv.GetValue<string>(), pool))
            : c.Value;
        if (IsBoolean(actual)) expected = ToBoolNode(expected);
        return Compare(actual, c.Operator, expected);
    }

    private static bool EvaluateFileArray(JsonArray files, string op, SubConditions sub)
    {
        bool Matches(KeyCondition k, JsonNode? f) =>
            f is JsonObject o && Compare(FileAttribute(o, k.Key), k.Operator, k.Value);
        var results = sub.Conditions.Select(k =>
            k.Operator.Contains("not", StringComparison.Ordinal)
                ? files.All(f => Matches(k, f))
                : files.Any(f => Matches(k, f)));
        var all = sub.LogicalOperator == "or" ? results.Any(x => x) : results.All(x => x);
        return op == "not contains" ? !all : all;
    }

    private static JsonNode? FileAttribute(JsonObject file, string key)
    {
        var v = FileValue.GetAttribute(file, key);
        // Extensions are compared with their leading dot.
        if (key == "extension" && v is JsonValue ev && ev.TryGetValue<string>(out var ext) && !ext.StartsWith('.')) return JsonValue.Create("." + ext);
        return v;
    }

    /// <summary>Compares one actual value with an expected value under an operator.</summary>
    public static bool Compare(JsonNode? actual, string op, JsonNode? expected)
    {
        switch (op)
        {
            case "null": return actual is null;
            case "not null": return actual is not null;
            case "exists": return actual is not null;
            case "not exists": return actual is null;
            case "empty": return IsEmpty(actual);
            case "not empty": return !IsEmpty(actual);
        }
        if (actual is null)
            return op is "not contains" or "not in";

        return op switch
        {
            "contains" => Contains(actual, expected),
            "not contains" => !Contains(actual, expected),
            "start with" => AsString(actual, op).StartsWith(ExpectedText(expected), StringComparison.Ordinal),
            "end with" => AsString(actual, op).EndsWith(ExpectedText(expected), StringComparison.Ordinal),
            "is" => Is(actual, expected),
            "is not" => !Is(actual, expected),
            "in" => In(actual, expected),
            "not in" => !In(actual, expected),
            "all of" => AllOf(actual, expected),
            "=" or "==" => NumberEquals(actual, expected),
            "≠" or "!=" => !NumberEquals(actual, expected),
            ">" => Number(actual, op) > ExpectedNumber(expected),
            "<" => Number(actual, op) < ExpectedNumber(expected),
            "≥" or ">=" => Number(actual, op) >= ExpectedNumber(expected),
            "≤" or "<=" => Number(actual, op) <= ExpectedNumber(expected),
            _ => throw new NodeExecutionException($"Unsupported comparison operator: {op}"),
        };
    }

    public static bool IsEmpty(JsonNode? v) => v switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>().Length == 0,
        JsonValue n when n.GetValueKind() == JsonValueKind.Number => n.AsDouble() == 0,
        JsonValue b when b.GetValueKind() == JsonValueKind.False => true,
        _ => false,
    };

    private static bool Contains(JsonNode actual, JsonNode? expected)
    {
        if (expected is null || (expected is JsonValue ev && ev.GetValueKind() == JsonValueKind.String && ev.GetValue<string>().Length == 0))
            return false;
        return actual switch
        {
            JsonArray a => a.Any(x => ItemEquals(x, expected)),
            JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>().Contains(ExpectedText(expected), StringComparison.Ordinal),
            _ => throw new NodeExecutionException("Invalid actual value type: string or array"),
        };
    }

    private static bool Is(JsonNode actual, JsonNode? expected)
    {
        if (actual is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.String: return v.GetValue<string>() == ExpectedText(expected);
                case JsonValueKind.True or JsonValueKind.False: return v.GetValue<bool>() == ToBool(expected);
            }
        }
        throw new NodeExecutionException("Invalid actual value type: string or boolean");
    }

    private static bool In(JsonNode actual, JsonNode? expected)
    {
        if (expected is not JsonArray list) throw new NodeExecutionException("Invalid expected value type: array");
        return list.Any(x => ItemEquals(actual, x));
    }

    private static bool AllOf(JsonNode actual, JsonNode? expected)
    {
        if (expected is not JsonArray list) throw new NodeExecutionException("Invalid expected value type: array");
        return actual switch
        {
            JsonArray a => list.All(e => a.Any(x => ItemEquals(x, e))),
            JsonValue s when s.GetValueKind() == JsonValueKind.String => list.All(e => s.GetValue<string>().Contains(ExpectedText(e), StringComparison.Ordinal)),
            _ => throw new NodeExecutionException("Invalid actual value type: string or array"),
        };
    }

    private static bool NumberEquals(JsonNode actual, JsonNode? expected)
    {
        if (actual is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return b.GetValue<bool>() == ToBool(expected);
        return Number(actual, "=") == ExpectedNumber(expected);
    }

    private static double Number(JsonNode actual, string op) => actual switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.AsDouble(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new NodeExecutionException($"Invalid actual value type: number (operator '{op}')"),
    };

    private static double ExpectedNumber(JsonNode? expected) => expected switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.AsDouble(),
        JsonValue v when double.TryParse(ExpectedText(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new NodeExecutionException($"Invalid expected value: '{ExpectedText(expected)}' is not a number"),
    };

    private static string AsString(JsonNode actual, string op) => actual is JsonValue v && v.GetValueKind() == JsonValueKind.String
        ? v.GetValue<string>()
        : throw new NodeExecutionException($"Invalid actual value type: string (operator '{op}')");

    private static string ExpectedText(JsonNode? expected) => expected switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.GetValueKind() switch { JsonValueKind.True => "true", JsonValueKind.False => "false", _ => v.ToJsonString() },
        _ => ValueText.ToText(expected),
    };

    private static bool ItemEquals(JsonNode? item, JsonNode? expected)
    {
        if (item is JsonValue iv && iv.GetValueKind() == JsonValueKind.String) return iv.GetValue<string>() == ExpectedText(expected);
        if (item is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number)
            return double.TryParse(ExpectedText(expected), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == nv.AsDouble();
        if (item is JsonValue bv && bv.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return bv.GetValue<bool>() == ToBool(expected);
        return JsonNode.DeepEquals(item, expected);
    }

    private static bool IsBoolean(JsonNode? v) =>
        v is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        || v is JsonArray a && a.Count > 0 && a.All(x => x is JsonValue xb && xb.GetValueKind() is JsonValueKind.True or JsonValueKind.False);

    private static JsonNode? ToBoolNode(JsonNode? v) => v is JsonArray a ? new JsonArray(a.Select(x => (JsonNode?)JsonValue.Create(ToBool(x))).ToArray()) : JsonValue.Create(ToBool(v));

    private static bool ToBool(JsonNode? v) => v switch
    {
        JsonValue b when b.GetValueKind() == JsonValueKind.True => true,
        JsonValue b when b.GetValueKind() == JsonValueKind.False => false,
        JsonValue n when n.GetValueKind() == JsonValueKind.Number => n.AsDouble() != 0,
        JsonValue s when s.GetValueKind() == JsonValueKind.String => s.GetValue<string>().Trim().ToLowerInvariant() is "true" or "1",
        _ => false,
    };
}
