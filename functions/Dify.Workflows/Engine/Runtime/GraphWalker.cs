using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Graph;
using Dify.Workflows.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>How a walk ended.</summary>
internal sealed record WalkOutcome(bool Failed, string? Error, bool ReachedLoopEnd)
{
    public static WalkOutcome Success(bool loopEnd) => new(false, null, loopEnd);
    public static WalkOutcome Failure(string error) => new(true, error, false);
}

/// <summary>
/// Walks a (sub)graph with Dify's edge states (DIFY-SPEC §4.2): every edge starts unknown; a finished
/// node takes its edges (branch nodes only the chosen handle's, the rest are skipped); a node is ready
/// when none of its incoming edges is unknown and one is taken; a node whose incoming edges are all
/// skipped is skipped, recursively. Ready I/O nodes are started together and awaited with WhenAny,
/// so parallel branches really run in parallel; completion order is recorded by the durable runtime.
/// </summary>
internal sealed class GraphWalker
{
    private enum EdgeState { Unknown, Taken, Skipped }

    private readonly RunState _state;
    private readonly HashSet<string> _nodes;
    private readonly VariablePool _pool;
    private readonly Scope _scope;
    private readonly Dictionary<GraphEdge, EdgeState> _edges = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, string? Predecessor)> _ready = new();
    private bool _reachedLoopEnd;
    private string? _error;

    public GraphWalker(RunState state, IEnumerable<string> nodes, VariablePool pool, Scope scope)
    {
        _state = state;
        _nodes = new HashSet<string>(nodes, StringComparer.Ordinal);
        _pool = pool;
        _scope = scope;
    }

    private WorkflowDefinition Definition => _state.Definition;

    public async Task<WalkOutcome> RunAsync(string rootId)
    {
        _ready.Enqueue((rootId, null));
        _seen.Add(rootId);
        var inflight = new Dictionary<Task<NodeRunResult>, NodeExecution>();
        while (true)
        {
            while (_error is null && !_state.Stopped && _ready.TryDequeue(out var next))
            {
                var node = Definition.Nodes[next.Id];
                NodeExecution exec;
                try
                {
                    exec = NodeRunner.Start(_state, node, next.Predecessor, _scope);
                }
                catch (RunLimitException ex)
                {
                    _error = ex.Message;
                    break;
                }
                if (node.IsContainer)
                    inflight[ContainerRunner.RunAsync(_state, exec, _pool, _scope)] = exec;
                else if (node.Executor.Kind == NodeExecutionKind.Inline)
                    Complete(exec, NodeRunner.RunInline(_state, exec, _pool));
                else
                    inflight[NodeRunner.RunActivityAsync(_state, exec, _pool, ResponseCoordinator.StreamPlanFor(_state, node))] = exec;
            }
            if (_error is not null) return WalkOutcome.Failure(_error);
            if (_state.Stopped || inflight.Count == 0) break;

            var waiting = inflight.Keys.Cast<Task>().ToList();
            if (_state.StopRequested is { } stop) waiting.Add(stop);
            var done = await Task.WhenAny(waiting);
            if (done is Task<NodeRunResult> finished && inflight.Remove(finished, out var e))
                Complete(e, await finished);
        }
        return _error is not null ? WalkOutcome.Failure(_error) : WalkOutcome.Success(_reachedLoopEnd);
    }

    private void Complete(NodeExecution exec, NodeRunResult result)
    {
        var node = exec.Node;
        var elapsed = result.ElapsedSeconds;
        if (result.Status == NodeRunStatus.Failed)
        {
            _state.Emit("node_finished", exec.FinishedData(result, _state.UnixNow, elapsed));
            _error = result.Error ?? $"Node {node.Node.Title} failed";
            return;
        }

        _pool.SetOutputs(node.Id, result.Outputs);
        if (result.VariableUpdates is { } updates)
        {
            foreach (var u in updates)
            {
                if (u.Selector.Count < 2) continue;
                _pool.Set(u.Selector[0], u.Selector[1], u.Value);
                if (u.Selector[0] == VariablePool.ConversationNode) _scope.OnConversationUpdate?.Invoke(u);
            }
        }
        if (result.Status == NodeRunStatus.Exception) _state.Exceptions++;
        _state.Tokens += result.TotalTokens;
        if (result.Usage is { } usage) _state.Usage = Nodes.Llm.LlmUsage.Add(_state.Usage, usage);
        // A response node's chunks come before its node_finished, as in Dify's stream.
        ResponseCoordinator.OnNodeFinished(_state, node, result, _pool);
        _state.Emit("node_finished", exec.FinishedData(result, _state.UnixNow, elapsed));
        if (node.Type == "loop-end") _reachedLoopEnd = true;

        foreach (var edge in node.Outgoing)
        {
            if (!_nodes.Contains(edge.Target)) continue;
            _edges[edge] = !node.IsBranch || edge.SourceHandle == result.EdgeSourceHandle ? EdgeState.Taken : EdgeState.Skipped;
        }
        foreach (var edge in node.Outgoing)
            if (_nodes.Contains(edge.Target)) Resolve(edge.Target, node.Id);
    }

    /// <summary>Decides whether a target is ready, must wait, or is skipped (then skips onward).</summary>
    private void Resolve(string targetId, string predecessor)
    {
        if (_seen.Contains(targetId)) return;
        var target = Definition.Nodes[targetId];
        var anyTaken = false;
        foreach (var edge in target.Incoming)
        {
            if (!_nodes.Contains(edge.Source)) continue;
            var s = _edges.GetValueOrDefault(edge, EdgeState.Unknown);
            if (s == EdgeState.Unknown) return;
            anyTaken |= s == EdgeState.Taken;
        }
        _seen.Add(targetId);
        if (anyTaken)
        {
            _ready.Enqueue((targetId, predecessor));
            return;
        }
        // Every way in was skipped: skip this node and everything only it leads to.
        ResponseCoordinator.OnNodeSkipped(_state, target);
        foreach (var edge in target.Outgoing)
        {
            if (!_nodes.Contains(edge.Target)) continue;
            _edges[edge] = EdgeState.Skipped;
        }
        foreach (var edge in target.Outgoing)
            if (_nodes.Contains(edge.Target)) Resolve(edge.Target, targetId);
    }
}
