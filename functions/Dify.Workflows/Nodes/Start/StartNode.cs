using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Start;

/// <summary>
/// The run's entry. Inputs were validated and placed in the pool as [start_id, name] before the run;
/// the node's outputs are those inputs plus the system, environment and conversation variables flattened
/// ("sys.query", "env.x"), as Dify reports them.
/// </summary>
public sealed class StartNode : NodeExecutor<StartNodeData>
{
    public override string NodeType => "start";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override StartNodeData Parse(NodeDataReader reader) => StartNodeData.Parse(reader);

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, StartNodeData data, CancellationToken cancellationToken)
    {
        var outputs = new JsonObject();
        foreach (var (name, value) in context.Pool.VariablesOf(context.Node.Id)) outputs[name] = value?.DeepClone();
        foreach (var name in context.Pool.VariablesOf(VariablePool.SystemNode).Keys)
            outputs["sys." + name] = context.Pool.Get(VariablePool.SystemNode, name)?.DeepClone();
        return ValueTask.FromResult(new NodeRunResult { Inputs = (JsonObject)outputs.DeepClone(), Outputs = outputs });
    }
}
