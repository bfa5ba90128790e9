using System.Text.Json.Nodes;

namespace Dify.Workflows.Graph;

/// <summary>
/// A canvas node. <see cref="Type"/> is data.type (the node kind), never the canvas "type: custom".
/// <see cref="ParentId"/> is the iteration or loop container holding it (data.iteration_id / loop_id / parentId).
/// <see cref="Raw"/> keeps the whole canvas object for a faithful export.
/// </summary>
public sealed record GraphNode(string Id, string Type, string Title, JsonObject Data, string? ParentId, JsonObject Raw)
{
    public string Version => Data["version"]?.ToString() ?? "1";
}

/// <summary>An edge; handles are always strings ("source", "true", "false", a case id, a class id, "fail-branch").</summary>
public sealed record GraphEdge(string Id, string Source, string SourceHandle, string Target, string TargetHandle, JsonObject Raw);

public sealed record WorkflowGraph(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, JsonObject? Viewport);
