using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.VariableAggregator;

public sealed record AggregatorGroup(string Name, IReadOnlyList<Selector> Variables);

public sealed record VariableAggregatorNodeData(IReadOnlyList<Selector> Variables, IReadOnlyList<AggregatorGroup>? Groups);

/// <summary>
/// Joins branches: output = the first non-null variable in list order. In group mode each group
/// yields {group_name: {output}} read as [node, group_name, "output"]. (Legacy type name: variable-assigner.)
/// </summary>
public sealed class VariableAggregatorNode : NodeExecutor<VariableAggregatorNodeData>
{
    public override string NodeType => "variable-aggregator";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override VariableAggregatorNodeData Parse(NodeDataReader reader)
    {
        var vars = ReadSelectors(reader, reader.Array("variables"), "variables");
        List<AggregatorGroup>? groups = null;
        if (reader.Data["advanced_settings"] is JsonObject adv && NodeDataReader.Bool(adv, "group_enabled") && adv["groups"] is JsonArray ga)
        {
            groups = [];
            for (var i = 0; i < ga.Count; i++)
            {
                if (ga[i] is not JsonObject g) continue;
                var name = reader.String(g, "group_name", true, $"advanced_settings.groups[{i}].group_name");
                if (name is null) continue;
                groups.Add(new AggregatorGroup(name, ReadSelectors(reader, reader.Array(g, "variables", false, $"advanced_settings.groups[{i}].variables"), $"advanced_settings.groups[{i}].variables")));
            }
        }
        return new VariableAggregatorNodeData(vars, groups);
    }

    private static List<Selector> ReadSelectors(NodeDataReader reader, JsonArray items, string path)
    {
        var list = new List<Selector>();
        for (var i = 0; i < items.Count; i++)
        {
            if (Selector.TryParse(items[i], out var s)) list.Add(s!);
            else reader.Problem($"{path}[{i}]", $"is not a valid variable selector: {items[i]?.ToJsonString() ?? "null"}");
        }
        return list;
    }

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, VariableAggregatorNodeData data, CancellationToken cancellationToken)
    {
        var outputs = new JsonObject();
        if (data.Groups is { } groups)
        {
            foreach (var g in groups) outputs[g.Name] = new JsonObject { ["output"] = FirstNonNull(context, g.Variables) };
        }
        else
        {
            outputs["output"] = FirstNonNull(context, data.Variables);
        }
        return ValueTask.FromResult(NodeRunResult.Success(outputs));
    }

    private static JsonNode? FirstNonNull(NodeRunContext context, IReadOnlyList<Selector> selectors)
    {
        foreach (var s in selectors)
            if (context.Pool.Get(s) is { } v) return v.DeepClone();
        return null;
    }
}
