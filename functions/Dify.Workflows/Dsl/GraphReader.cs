using System.Text.Json.Nodes;
using Dify.Workflows.Graph;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Builds a <see cref="WorkflowGraph"/> from the canvas JSON: keeps executable nodes (dropping sticky notes
/// and anything without <c>data.type</c>, with their edges), normalises node data into a copy, reads ids
/// and handles as strings, and reports malformed nodes and edges. Graph-wide rules live in GraphValidator.
/// </summary>
internal sealed class GraphReader(DslProblemList problems)
{
    private readonly HashSet<string> droppedIds = new(StringComparer.Ordinal);

    public WorkflowGraph Read(JsonObject graph)
    {
        var nodes = ReadNodes(graph["nodes"]);
        var nodeIds = nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var edges = ReadEdges(graph["edges"], nodeIds);
        var viewport = graph["viewport"] as JsonObject;
        return new WorkflowGraph(nodes, edges, viewport?.DeepClone().AsObject());
    }

    private List<GraphNode> ReadNodes(JsonNode? list)
    {
        var nodes = new List<GraphNode>();
        if (list is not JsonArray array)
        {
            problems.Error(null, "graph.nodes", list is null ? "the graph has no nodes list" : "graph.nodes must be a list");
            return nodes;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject raw)
            {
                problems.Error(null, $"nodes[{i}]", "a node must be a mapping");
                continue;
            }
            var id = JsonText.ScalarText(raw["id"]);
            var data = raw["data"] as JsonObject;
            var type = JsonText.ScalarText(data?["type"]);
            if (JsonText.ScalarText(raw["type"]) == "custom-note" || string.IsNullOrEmpty(type))
            {
                // Canvas-only (sticky notes): never executed; their edges go too.
                if (id is not null) droppedIds.Add(id);
                continue;
            }
            if (string.IsNullOrEmpty(id))
            {
                problems.Error(null, $"nodes[{i}].id", $"the {type} node has no id");
                continue;
            }
            if (!seen.Add(id))
            {
                problems.Error(id, "id", $"node id '{id}' is used by more than one node");
                continue;
            }
            nodes.Add(BuildNode(id, type, data!, raw));
        }
        return nodes;
    }

    private static GraphNode BuildNode(string id, string type, JsonObject data, JsonObject raw)
    {
        var normalised = data.DeepClone().AsObject();
        type = NodeDataNormaliser.Normalise(type, normalised);
        var title = JsonText.ScalarText(normalised["title"]) ?? "";
        return new GraphNode(id, type, title, normalised, ParentOf(normalised, raw), raw.DeepClone().AsObject());
    }

    private static string? ParentOf(JsonObject data, JsonObject raw)
    {
        var parent = NonEmpty(data["iteration_id"]) ?? NonEmpty(data["loop_id"]);
        if (parent is null && (JsonText.IsTrue(data["isInIteration"]) || JsonText.IsTrue(data["isInLoop"])))
            parent = NonEmpty(raw["parentId"]);
        return parent;
    }

    private static string? NonEmpty(JsonNode? node) => JsonText.ScalarText(node) is { Length: > 0 } text ? text : null;

    private List<GraphEdge> ReadEdges(JsonNode? list, HashSet<string> nodeIds)
    {
        var edges = new List<GraphEdge>();
        if (list is null) return edges;
        if (list is not JsonArray array)
        {
            problems.Error(null, "graph.edges", "graph.edges must be a list");
            return edges;
        }
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject raw)
            {
                problems.Error(null, $"edges[{i}]", "an edge must be a mapping");
                continue;
            }
            if (ReadEdge(raw, i, nodeIds) is { } edge) edges.Add(edge);
        }
        return edges;
    }

    private GraphEdge? ReadEdge(JsonObject raw, int index, HashSet<string> nodeIds)
    {
        var source = Endpoint(raw, index, "source");
        var target = Endpoint(raw, index, "target");
        if (source is null || target is null) return null;
        if (droppedIds.Contains(source) || droppedIds.Contains(target)) return null;

        var sourceHandle = Handle(raw, index, "sourceHandle", "source");
        var targetHandle = Handle(raw, index, "targetHandle", "target");
        if (sourceHandle is null || targetHandle is null) return null;

        var ok = true;
        foreach (var (end, endId) in new[] { ("source", source), ("target", target) })
        {
            if (nodeIds.Contains(endId)) continue;
            problems.Error(endId, $"edges[{index}].{end}", $"edge {end} '{endId}' is not a node of the graph");
            ok = false;
        }
        if (!ok) return null;
        var id = JsonText.ScalarText(raw["id"]) is { Length: > 0 } given ? given : $"{source}-{sourceHandle}-{target}-{targetHandle}";
        return new GraphEdge(id, source, sourceHandle, target, targetHandle, raw.DeepClone().AsObject());
    }

    private string? Endpoint(JsonObject raw, int index, string key)
    {
        var text = JsonText.ScalarText(raw[key]);
        if (!string.IsNullOrEmpty(text)) return text;
        problems.Error(null, $"edges[{index}].{key}", raw[key] is null ? $"the edge has no {key}" : $"the edge {key} must be a node id");
        return null;
    }

    // A missing handle is the default one; a handle that is not a scalar cannot name a branch, so
    // (as graphon does) the edge is dropped, with a warning rather than failing the import.
    private string? Handle(JsonObject raw, int index, string key, string fallback)
    {
        var node = raw[key];
        if (node is null) return fallback;
        if (JsonText.ScalarText(node) is { } text) return text.Length == 0 ? fallback : text;
        problems.Warning(JsonText.ScalarText(raw["source"]), $"edges[{index}].{key}", $"{key} is not a string; the edge is ignored");
        return null;
    }
}
