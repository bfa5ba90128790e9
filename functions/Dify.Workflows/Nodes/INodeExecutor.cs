namespace Dify.Workflows.Nodes;

/// <summary>
/// Where a node runs. Inline nodes are pure and deterministic: the orchestrator evaluates them
/// itself. Activity nodes do I/O (models, HTTP, code, retrieval) and run as durable activities,
/// at least once; their results are recorded in the run's history.
/// </summary>
public enum NodeExecutionKind { Inline, Activity }

/// <summary>Executes one node type (data.type). One instance serves every node of that type.</summary>
public interface INodeExecutor
{
    /// <summary>data.type, e.g. "if-else".</summary>
    string NodeType { get; }

    NodeExecutionKind Kind { get; }

    /// <summary>Whether retry_config applies (llm, code, http-request, tool...).</summary>
    bool SupportsRetry { get; }

    /// <summary>Parses and validates data once at import; problems go to the reader, naming the field.</summary>
    object ParseData(NodeDataReader reader);

    /// <summary>Runs the node. Expected failures return <see cref="NodeRunResult.Failure"/> or throw <see cref="NodeExecutionException"/>.</summary>
    ValueTask<NodeRunResult> RunAsync(NodeRunContext context, object data, CancellationToken cancellationToken);
}

/// <summary>Base class giving executors their typed data.</summary>
public abstract class NodeExecutor<TData> : INodeExecutor where TData : class
{
    public abstract string NodeType { get; }
    public virtual NodeExecutionKind Kind => NodeExecutionKind.Activity;
    public virtual bool SupportsRetry => false;

    object INodeExecutor.ParseData(NodeDataReader reader) => Parse(reader);

    ValueTask<NodeRunResult> INodeExecutor.RunAsync(NodeRunContext context, object data, CancellationToken cancellationToken) =>
        RunAsync(context, (TData)data, cancellationToken);

    protected abstract TData Parse(NodeDataReader reader);

    protected abstract ValueTask<NodeRunResult> RunAsync(NodeRunContext context, TData data, CancellationToken cancellationToken);
}
