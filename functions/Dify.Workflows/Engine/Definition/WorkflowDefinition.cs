using Dify.Workflows.Dsl;
using Dify.Workflows.Graph;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Start;

namespace Dify.Workflows.Engine.Definition;

/// <summary>A node ready to run: its executor, parsed data, error policy and edges.</summary>
public sealed class CompiledNode(GraphNode node, INodeExecutor executor, object data, NodeErrorPolicy errorPolicy)
{
    public GraphNode Node { get; } = node;
    public string Id => Node.Id;
    public string Type => Node.Type;
    public INodeExecutor Executor { get; } = executor;
    public object Data { get; } = data;
    public NodeErrorPolicy ErrorPolicy { get; } = errorPolicy;
    public List<GraphEdge> Outgoing { get; } = [];
    public List<GraphEdge> Incoming { get; } = [];

    /// <summary>Branch nodes take only the edges of the chosen handle (if-else, question-classifier, fail-branch nodes).</summary>
    public bool IsBranch => Type is "if-else" or "question-classifier" || ErrorPolicy.Strategy == ErrorStrategy.FailBranch;
    public bool IsContainer => Type is "iteration" or "loop";
    public bool IsResponse => Type is "answer" or "end";
}

/// <summary>
/// An app's workflow compiled for execution: nodes indexed with their executors and edges, the
/// root, containers' bodies. Immutable and shared by every run of the same app version.
/// </summary>
public sealed class WorkflowDefinition(
    string key,
    DslDocument document,
    IReadOnlyDictionary<string, CompiledNode> nodes,
    string rootNodeId,
    IReadOnlyDictionary<string, IReadOnlyList<string>> containerChildren)
{
    /// <summary>Identifies this exact app version (content hash); orchestrations and activities find the definition by it.</summary>
    public string Key { get; } = key;
    public DslDocument Document { get; } = document;
    public IReadOnlyDictionary<string, CompiledNode> Nodes { get; } = nodes;
    public string RootNodeId { get; } = rootNodeId;
    /// <summary>Container id → ids of the nodes inside it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContainerChildren { get; } = containerChildren;

    public CompiledNode Root => Nodes[RootNodeId];
    public StartNodeData? StartForm => Root.Data as StartNodeData;
    public AppMode Mode => Document.App.Mode;
}
