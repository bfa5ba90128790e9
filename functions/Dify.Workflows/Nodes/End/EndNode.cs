using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.End;

public sealed record EndOutput(string Variable, Selector? Selector);

public sealed record EndNodeData(IReadOnlyList<EndOutput> Outputs);

/// <summary>Workflow-mode end: maps each output variable to a pool value (null when missing).</summary>
public sealed class EndNode : NodeExecutor<EndNodeData>
{
    public override string NodeType => "end";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override EndNodeData Parse(NodeDataReader reader)
    {
        var outputs = new List<EndOutput>();
        var items = reader.Array("outputs");
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject o) { reader.Problem($"outputs[{i}]", "must be an object"); continue; }
            var name = reader.String(o, "variable", true, $"outputs[{i}].variable");
            var sel = reader.Selector(o, "value_selector", false, $"outputs[{i}].value_selector");
            if (name is not null) outputs.Add(new EndOutput(name, sel));
        }
        return new EndNodeData(outputs);
    }

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, EndNodeData data, CancellationToken cancellationToken)
    {
        var outputs = new JsonObject();
        foreach (var o in data.Outputs)
            outputs[o.Variable] = o.Selector is null ? null : context.Pool.Get(o.Selector)?.DeepClone();
        return ValueTask.FromResult(new NodeRunResult { Inputs = (JsonObject)outputs.DeepClone(), Outputs = outputs });
    }
}
