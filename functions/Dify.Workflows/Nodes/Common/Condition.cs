using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Common;

/// <summary>One comparison (if-else conditions, loop break conditions). Value may be a string, a list, a bool or null.</summary>
public sealed record Condition(
    Selector Selector,
    string Operator,
    JsonNode? Value,
    SubConditions? SubConditions);

/// <summary>File-array conditions on file attributes (contains / not contains / all of).</summary>
public sealed record SubConditions(string LogicalOperator, IReadOnlyList<KeyCondition> Conditions);

/// <summary>A comparison on a key of an item (list-operator filters, sub-variable conditions).</summary>
public sealed record KeyCondition(string Key, string Operator, JsonNode? Value);

public static class ConditionParser
{
    public static IReadOnlyList<Condition> ParseList(NodeDataReader reader, JsonArray items, string path)
    {
        var list = new List<Condition>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject c) { reader.Problem($"{path}[{i}]", "must be an object"); continue; }
            var selector = reader.Selector(c, "variable_selector", true, $"{path}[{i}].variable_selector");
            var op = reader.String(c, "comparison_operator", true, $"{path}[{i}].comparison_operator");
            if (selector is null || op is null) continue;
            if (!ConditionEvaluator.KnownOperators.Contains(op))
            {
                reader.Problem($"{path}[{i}].comparison_operator", $"unknown comparison operator '{op}'");
                continue;
            }
            SubConditions? sub = null;
            if (c["sub_variable_condition"] is JsonObject s && s["conditions"] is JsonArray sc && sc.Count > 0)
            {
                sub = new SubConditions(
                    s["logical_operator"]?.ToString() ?? "and",
                    sc.OfType<JsonObject>().Select(k => new KeyCondition(k["key"]?.ToString() ?? "", k["comparison_operator"]?.ToString() ?? "", k["value"]?.DeepClone())).ToList());
            }
            list.Add(new Condition(selector, op, c["value"]?.DeepClone(), sub));
        }
        return list;
    }
}
