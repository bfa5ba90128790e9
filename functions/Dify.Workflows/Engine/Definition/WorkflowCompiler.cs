using Dify.Workflows.Dsl;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Iteration;
using Dify.Workflows.Nodes.Loop;

namespace Dify.Workflows.Engine.Definition;

/// <summary>
/// Turns an imported DSL document into an executable <see cref="WorkflowDefinition"/>: every node's
/// data is parsed by its executor (so a missing required field is reported at import, naming the
/// file, node and field), edges are indexed, the root and container bodies found.
/// </summary>
public sealed class WorkflowCompiler(NodeExecutorRegistry registry)
{
    public (WorkflowDefinition? Definition, IReadOnlyList<DslProblem> Problems) Compile(DslDocument document, string key, string file)
    {
        var problems = new List<DslProblem>();
        if (document.Graph is not { } graph)
        {
            problems.Add(new DslProblem(file, null, "workflow.graph", $"a {document.App.Mode.ToDsl()} app has no workflow graph to run"));
            return (null, problems);
        }

        var nodes = new Dictionary<string, CompiledNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            if (nodes.ContainsKey(n.Id)) { problems.Add(new DslProblem(file, n.Id, "id", "duplicate node id")); continue; }
            if (!registry.TryGet(n.Type, out var executor))
            {
                problems.Add(new DslProblem(file, n.Id, "data.type", $"unknown node type '{n.Type}'"));
                continue;
            }
            var reader = new NodeDataReader(file, n, problems);
            var data = executor!.ParseData(reader);
            var policy = NodeErrorPolicy.Parse(reader);
            nodes[n.Id] = new CompiledNode(n, executor, data, policy);
        }

        for (var i = 0; i < graph.Edges.Count; i++)
        {
            var e = graph.Edges[i];
            var ok = true;
            if (!nodes.TryGetValue(e.Source, out var source)) { problems.Add(new DslProblem(file, null, $"edges[{i}].source", $"edge '{e.Id}' starts at missing node '{e.Source}'")); ok = false; }
            if (!nodes.TryGetValue(e.Target, out var target)) { problems.Add(new DslProblem(file, null, $"edges[{i}].target", $"edge '{e.Id}' ends at missing node '{e.Target}'")); ok = false; }
            if (!ok) continue;
            source!.Outgoing.Add(e);
            target!.Incoming.Add(e);
        }

        var children = nodes.Values.Where(n => n.Node.ParentId is not null)
            .GroupBy(n => n.Node.ParentId!)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(n => n.Id).ToList(), StringComparer.Ordinal);
        foreach (var (parent, kids) in children)
            if (!nodes.TryGetValue(parent, out var p) || !p.IsContainer)
                problems.Add(new DslProblem(file, kids[0], "data.iteration_id", $"node is inside '{parent}', which is not an iteration or loop node"));

        foreach (var c in nodes.Values.Where(n => n.IsContainer))
        {
            var start = c.Data switch { IterationNodeData it => it.StartNodeId, LoopNodeData lp => lp.StartNodeId, _ => "" };
            if (start.Length > 0 && (!nodes.TryGetValue(start, out var s) || s.Node.ParentId != c.Id))
                problems.Add(new DslProblem(file, c.Id, "start_node_id", $"start node '{start}' is not a node inside this {c.Type}"));
            children.TryAdd(c.Id, []);
        }

        var roots = nodes.Values.Where(n => n.Node.ParentId is null && n.Type == "start").ToList();
        if (roots.Count == 0)
        {
            problems.Add(new DslProblem(file, null, "workflow.graph.nodes", "the workflow has no start node"));
        }
        else if (roots.Count > 1)
        {
            problems.Add(new DslProblem(file, roots[1].Id, "data.type", "the workflow has more than one start node"));
        }

        if (problems.Any(p => !p.IsWarning)) return (null, problems);
        return (new WorkflowDefinition(key, document, nodes, roots[0].Id, children), problems);
    }
}
