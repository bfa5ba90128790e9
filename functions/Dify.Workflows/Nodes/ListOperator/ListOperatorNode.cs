using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Nodes.Common;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.ListOperator;

public sealed record ListOperatorNodeData(
    Selector Variable,
    IReadOnlyList<KeyCondition>? Filters,
    string? ExtractSerial,
    string? OrderKey,
    bool OrderDescending,
    bool OrderEnabled,
    int? Limit);

/// <summary>filter → extract → order → limit over an array (DIFY-SPEC §2.17). Outputs result, first_record, last_record.</summary>
public sealed class ListOperatorNode : NodeExecutor<ListOperatorNodeData>
{
    public override string NodeType => "list-operator";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override ListOperatorNodeData Parse(NodeDataReader reader)
    {
        var variable = reader.Selector("variable", required: true) ?? new Selector("invalid", "invalid");
        List<KeyCondition>? filters = null;
        if (reader.Data["filter_by"] is JsonObject f && NodeDataReader.Bool(f, "enabled"))
            filters = reader.Array(f, "conditions", false, "filter_by.conditions").OfType<JsonObject>()
                .Select(c => new KeyCondition(c["key"]?.ToString() ?? "", c["comparison_operator"]?.ToString() ?? "", c["value"]?.DeepClone())).ToList();
        string? serial = reader.Data["extract_by"] is JsonObject e && NodeDataReader.Bool(e, "enabled") ? e["serial"]?.ToString() ?? "1" : null;
        var order = reader.Data["order_by"] as JsonObject;
        var orderEnabled = order is not null && NodeDataReader.Bool(order, "enabled");
        int? limit = reader.Data["limit"] is JsonObject l && NodeDataReader.Bool(l, "enabled") ? reader.Int(l, "size", -1, "limit.size") : null;
        return new ListOperatorNodeData(variable, filters, serial, order?["key"]?.ToString(), order?["value"]?.ToString() == "desc", orderEnabled, limit);
    }

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, ListOperatorNodeData data, CancellationToken cancellationToken)
    {
        var input = context.Require(data.Variable);
        if (input is null) return ValueTask.FromResult(Result(new JsonArray(), null));
        if (input is not JsonArray source) throw new NodeExecutionException($"Variable {data.Variable} is not an array");

        IEnumerable<JsonNode?> items = source.Select(x => x?.DeepClone());
        if (data.Filters is { Count: > 0 } filters)
            items = items.Where(item => filters.All(f => ConditionEvaluator.Compare(KeyOf(item, f.Key), f.Operator, RenderValue(f.Value, context.Pool))));
        var list = items.ToList();

        if (data.ExtractSerial is { } serialTemplate)
        {
            var text = VariableTemplate.RenderText(serialTemplate, context.Pool);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1 || n > list.Count)
                throw new NodeExecutionException($"Invalid serial index: {text}");
            list = [list[n - 1]];
        }
        if (data.OrderEnabled)
        {
            var key = data.OrderKey ?? "";
            var cmp = Comparer<JsonNode?>.Create((a, b) => CompareValues(KeyOf(a, key), KeyOf(b, key)));
            list = data.OrderDescending ? list.OrderByDescending(x => x, cmp).ToList() : list.OrderBy(x => x, cmp).ToList();
        }
        if (data.Limit is int limit and >= 0) list = list.Take(limit).ToList();
        return ValueTask.FromResult(Result(new JsonArray(list.ToArray()), new JsonObject { ["variable"] = source.DeepClone() }));
    }

    private static NodeRunResult Result(JsonArray result, JsonObject? inputs) => new()
    {
        Inputs = inputs,
        Outputs = new JsonObject
        {
            ["result"] = result,
            ["first_record"] = result.Count > 0 ? result[0]?.DeepClone() : null,
            ["last_record"] = result.Count > 0 ? result[^1]?.DeepClone() : null,
        },
    };

    private static JsonNode? RenderValue(JsonNode? value, VariablePool pool) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonValue.Create(VariableTemplate.RenderText(v.GetValue<string>(), pool)) : value;

    /// <summary>Items are scalars (key ignored), files (key = attribute) or objects (key = property).</summary>
    private static JsonNode? KeyOf(JsonNode? item, string key) => item switch
    {
        JsonObject f when FileValue.IsFile(f) && key.Length > 0 => FileValue.GetAttribute(f, key),
        JsonObject o when key.Length > 0 => o[key],
        _ => item,
    };

    private static int CompareValues(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue av && b is JsonValue bv && av.GetValueKind() == JsonValueKind.Number && bv.GetValueKind() == JsonValueKind.Number)
            return av.AsDouble().CompareTo(bv.AsDouble());
        return string.CompareOrdinal(ValueText.ToText(a), ValueText.ToText(b));
    }
}
