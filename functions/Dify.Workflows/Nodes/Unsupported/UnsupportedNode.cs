namespace Dify.Workflows.Nodes.Unsupported;

/// <summary>
/// Node types that import fine but need something this engine does not provide (tool and agent
/// plugins, human input, RAG pipeline nodes, triggers). The run fails at this node with a clear message.
/// </summary>
public sealed class UnsupportedNode(string nodeType, string reason) : NodeExecutor<object>
{
    public override string NodeType => nodeType;
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override object Parse(NodeDataReader reader) => reader.Data;

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, object data, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeRunResult.Failure(
            $"Node '{context.Node.Title}' ({context.Node.Id}) of type '{nodeType}': {reason}", "ProviderNotAvailableError"));
}

/// <summary>Structural nodes with nothing to compute (iteration-start, loop-start, loop-end).</summary>
public sealed class PassThroughNode(string nodeType) : NodeExecutor<object>
{
    public override string NodeType => nodeType;
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override object Parse(NodeDataReader reader) => reader.Data;

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, object data, CancellationToken cancellationToken) =>
        ValueTask.FromResult(NodeRunResult.Success(new()));
}
