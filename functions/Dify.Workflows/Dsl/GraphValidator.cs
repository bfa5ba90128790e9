using Dify.Workflows.Graph;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Graph-wide structural rules, each reporting every offender: known node kinds, an entry node, an
/// end (workflow) or answer (chatflow) node, no cycles, containers that exist, and selectors that point
/// at existing nodes. Runs after GraphReader, which already checked ids and edge endpoints.
/// </summary>
internal sealed class GraphValidator(DslProblemList problems)
{
    private static readonly HashSet<string> ReservedSelectorRoots = new(StringComparer.Ordinal) { "sys", "env", "conversation", "rag" };

    public void Validate(WorkflowGraph graph, AppMode mode)
    {
        var byId = graph.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (!DslNodeTypes.Known.Contains(node.Type))
                problems.Error(node.Id, "data.type", $"unknown node type '{node.Type}'");
            CheckContainer(node, byId);
            CheckSelectors(node, byId);
        }
        CheckEntryAndExit(graph, mode);
        new CycleFinder(problems).Report(graph);
    }

    private void CheckEntryAndExit(WorkflowGraph graph, AppMode mode)
    {
        var topLevel = graph.Nodes.Where(n => n.ParentId is null).ToList();
        if (!topLevel.Any(n => DslNodeTypes.IsEntry(n.Type)))
            problems.Error(null, "graph.nodes", "the graph has no start node (or trigger)");
        if (mode == AppMode.Workflow && !graph.Nodes.Any(n => n.Type == "end"))
            problems.Warning(null, "graph.nodes", "a workflow app has no end node, so its run has no outputs");
        if (mode == AppMode.AdvancedChat && !graph.Nodes.Any(n => n.Type == "answer"))
            problems.Warning(null, "graph.nodes", "a chatflow app has no answer node, so it never answers");
    }

    private void CheckContainer(GraphNode node, Dictionary<string, GraphNode> byId)
    {
        if (node.ParentId is { } parentId)
        {
            var field = node.Data["iteration_id"] is not null ? "data.iteration_id" : node.Data["loop_id"] is not null ? "data.loop_id" : "parentId";
            if (!byId.TryGetValue(parentId, out var parent))
                problems.Error(node.Id, field, $"container '{parentId}' does not exist");
            else if (!DslNodeTypes.IsContainer(parent.Type))
                problems.Error(node.Id, field, $"container '{parentId}' is a {parent.Type} node, not an iteration or loop");
        }
        if (DslNodeTypes.IsContainer(node.Type) && JsonText.ScalarText(node.Data["start_node_id"]) is { Length: > 0 } startId)
        {
            if (!byId.TryGetValue(startId, out var start))
                problems.Error(node.Id, "data.start_node_id", $"start node '{startId}' does not exist");
            else if (start.ParentId != node.Id)
                problems.Error(node.Id, "data.start_node_id", $"start node '{startId}' is not inside this {node.Type}");
        }
    }

    private void CheckSelectors(GraphNode node, Dictionary<string, GraphNode> byId)
    {
        foreach (var (path, value) in SelectorScan.Find(node.Type, node.Data))
        {
            if (value is not System.Text.Json.Nodes.JsonArray selector)
            {
                problems.Error(node.Id, $"data.{path}", "a selector must be a list like [node_id, variable]");
                continue;
            }
            if (selector.Count == 0) continue; // unset in the editor; nodes that need it fail at run time
            if (selector.Any(part => !JsonText.IsScalar(part)))
            {
                problems.Error(node.Id, $"data.{path}", "selector parts must be strings");
                continue;
            }
            var root = JsonText.ScalarText(selector[0])!;
            if (ReservedSelectorRoots.Contains(root) || byId.ContainsKey(root)) continue;
            problems.Error(node.Id, $"data.{path}", $"selector [{string.Join(", ", selector.Select(p => JsonText.ScalarText(p)))}] refers to node '{root}', which does not exist");
        }
    }
}
