using System.Text.Json.Nodes;
using Dify.Workflows.Nodes.Common;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Loop;

/// <summary>A loop variable: constant value, or copied from a selector at loop start.</summary>
public sealed record LoopVariable(string Label, string VarType, bool FromVariable, JsonNode? Value, Selector? Selector);

public sealed record LoopNodeData(
    int LoopCount,
    IReadOnlyList<Condition> BreakConditions,
    string LogicalOperator,
    IReadOnlyList<LoopVariable> Variables,
    string StartNodeId);

/// <summary>Loop container; the engine runs its body rounds (see Engine/Runtime/ContainerRunner).</summary>
public sealed class LoopNode : NodeExecutor<LoopNodeData>
{
    public override string NodeType => "loop";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override LoopNodeData Parse(NodeDataReader reader)
    {
        var count = reader.Int("loop_count", 1);
        if (count < 1) reader.Problem("loop_count", "must be at least 1");
        var breaks = ConditionParser.ParseList(reader, reader.Array("break_conditions"), "break_conditions");
        var vars = new List<LoopVariable>();
        var items = reader.Array("loop_variables");
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject o) continue;
            var label = reader.String(o, "label", true, $"loop_variables[{i}].label");
            if (label is null) continue;
            var fromVar = o["value_type"]?.ToString() == "variable";
            Selector? sel = null;
            if (fromVar && !Selector.TryParse(o["value"], out sel))
                reader.Problem($"loop_variables[{i}].value", "must be a variable selector when value_type is 'variable'");
            vars.Add(new LoopVariable(label, o["var_type"]?.ToString() ?? "string", fromVar, fromVar ? null : o["value"]?.DeepClone(), sel));
        }
        return new LoopNodeData(Math.Max(1, count), breaks, reader.String("logical_operator") ?? "and", vars,
            reader.String("start_node_id", required: true) ?? "");
    }

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, LoopNodeData data, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Loop bodies are run by the engine.");
}
