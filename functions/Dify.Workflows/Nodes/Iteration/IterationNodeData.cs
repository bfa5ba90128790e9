using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Iteration;

public enum IterationErrorMode { Terminated, ContinueOnError, RemoveAbnormalOutput }

public sealed record IterationNodeData(
    Selector IteratorSelector,
    Selector? OutputSelector,
    string StartNodeId,
    bool IsParallel,
    int ParallelNums,
    IterationErrorMode ErrorMode,
    bool FlattenOutput);

/// <summary>Iteration container; the engine runs its body (see Engine/Runtime/ContainerRunner).</summary>
public sealed class IterationNode : NodeExecutor<IterationNodeData>
{
    public override string NodeType => "iteration";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override IterationNodeData Parse(NodeDataReader reader)
    {
        var iterator = reader.Selector("iterator_selector", required: true);
        var output = reader.Selector("output_selector");
        var start = reader.String("start_node_id", required: true) ?? "";
        var mode = reader.String("error_handle_mode") switch
        {
            null or "" or "terminated" => IterationErrorMode.Terminated,
            "continue-on-error" => IterationErrorMode.ContinueOnError,
            "remove-abnormal-output" => IterationErrorMode.RemoveAbnormalOutput,
            var other => Bad(reader, other),
        };
        var parallel = Math.Clamp(reader.Int("parallel_nums", 10), 1, 100);
        return new IterationNodeData(iterator ?? new Selector("invalid", "invalid"), output, start,
            reader.Bool("is_parallel"), parallel, mode, reader.Bool("flatten_output", fallback: true));
    }

    private static IterationErrorMode Bad(NodeDataReader reader, string value)
    {
        reader.Problem("error_handle_mode", $"must be terminated, continue-on-error or remove-abnormal-output, got '{value}'");
        return IterationErrorMode.Terminated;
    }

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, IterationNodeData data, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Iteration bodies are run by the engine.");
}
