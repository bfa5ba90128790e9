using Dify.Workflows.Graph;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Reports cycles in the edge graph. Dify graphs are acyclic: loops repeat their body through the
/// container, never through a back edge, so any cycle is a broken file. Uses Tarjan's strongly
/// connected components (iteratively, so a long chain cannot overflow the stack).
/// </summary>
internal sealed class CycleFinder(DslProblemList problems)
{
    public void Report(WorkflowGraph graph)
    {
        var successors = graph.Nodes.ToDictionary(n => n.Id, _ => new List<string>(), StringComparer.Ordinal);
        var selfLoops = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edge in graph.Edges)
        {
            if (!successors.TryGetValue(edge.Source, out var next) || !successors.ContainsKey(edge.Target)) continue;
            next.Add(edge.Target);
            if (edge.Source == edge.Target) selfLoops.Add(edge.Source);
        }
        foreach (var component in StronglyConnected(graph.Nodes.Select(n => n.Id), successors))
        {
            if (component.Count < 2 && !selfLoops.Contains(component[0])) continue;
            var order = graph.Nodes.Select(n => n.Id).Where(component.Contains).ToList();
            problems.Error(order[0], "graph.edges", $"the edges form a cycle through nodes {string.Join(", ", order.Select(id => $"'{id}'"))}; Dify graphs must be acyclic");
        }
    }

    private static List<List<string>> StronglyConnected(IEnumerable<string> ids, Dictionary<string, List<string>> successors)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var counter = 0;
        foreach (var root in ids)
        {
            if (index.ContainsKey(root)) continue;
            var work = new Stack<(string Node, int Next)>();
            work.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack.Add(root);
            while (work.Count > 0)
            {
                var (node, next) = work.Pop();
                var children = successors[node];
                if (next < children.Count)
                {
                    work.Push((node, next + 1));
                    var child = children[next];
                    if (!index.ContainsKey(child))
                    {
                        index[child] = low[child] = counter++;
                        stack.Push(child);
                        onStack.Add(child);
                        work.Push((child, 0));
                    }
                    else if (onStack.Contains(child)) low[node] = Math.Min(low[node], index[child]);
                    continue;
                }
                if (low[node] == index[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    } while (member != node);
                    result.Add(component);
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }
            }
        }
        return result;
    }
}
