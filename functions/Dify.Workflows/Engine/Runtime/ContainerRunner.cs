using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Common;
using Dify.Workflows.Nodes.Iteration;
using Dify.Workflows.Nodes.Loop;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>
/// Runs iteration and loop bodies (DIFY-SPEC §2.13, §2.14, §4.5). An iteration item gets a copy of
/// the pool plus item and index, so parallel items cannot see each other; a loop round shares the
/// pool, with the body's outputs cleared before each round and loop variables kept at [loop_id, label].
/// </summary>
internal static class ContainerRunner
{
    public static async Task<NodeRunResult> RunAsync(RunState state, NodeExecution exec, VariablePool pool, Scope scope)
    {
        var result = exec.Node.Data switch
        {
            IterationNodeData it => await RunIterationAsync(state, exec, it, pool, scope),
            LoopNodeData lp => await RunLoopAsync(state, exec, lp, pool, scope),
            _ => NodeRunResult.Failure($"Node {exec.Node.Id} is not a container"),
        };
        return NodeRunner.ApplyErrorPolicy(exec.Node, result);
    }

    private static JsonObject Header(NodeExecution exec, RunState state) => new()
    {
        ["id"] = exec.Id,
        ["node_id"] = exec.Node.Id,
        ["node_type"] = exec.Node.Type,
        ["title"] = exec.Node.Node.Title,
        ["created_at"] = state.UnixNow,
        ["extras"] = new JsonObject(),
    };

    private static async Task<NodeRunResult> RunIterationAsync(RunState state, NodeExecution exec, IterationNodeData data, VariablePool pool, Scope scope)
    {
        var node = exec.Node;
        if (!pool.TryGet(data.IteratorSelector, out var source) || source is null)
            return NodeRunResult.Failure($"Iterator variable {data.IteratorSelector} not found", "IteratorVariableNotFoundError");
        if (source is not JsonArray items)
            return NodeRunResult.Failure($"Iterator variable {data.IteratorSelector} is not an array", "InvalidIteratorValueError");

        var inputs = new JsonObject { ["iterator_selector"] = items.DeepClone() };
        var started = state.UnixNow;
        var startedAt = state.ElapsedSeconds;
        var tokensBefore = state.Tokens;
        var header = Header(exec, state);
        header["metadata"] = new JsonObject { ["iterator_length"] = items.Count };
        header["inputs"] = inputs.DeepClone();
        state.Emit("iteration_started", header);

        var results = new JsonNode?[items.Count];
        var keep = Enumerable.Repeat(true, items.Count).ToArray();
        string? error = null;
        var children = state.Definition.ContainerChildren[node.Id];

        async Task<(int Index, string? Error)> RunItem(int index)
        {
            var itemPool = pool.Copy();
            itemPool.Set(node.Id, "item", items[index]?.DeepClone());
            itemPool.Set(node.Id, "index", index);
            var next = Header(exec, state);
            next["index"] = index;
            state.Emit("iteration_next", next);
            var updates = new List<VariableUpdate>();
            var itemScope = new Scope(node.Id, index, scope.LoopId, scope.LoopIndex, updates.Add);
            var outcome = await new GraphWalker(state, children, itemPool, itemScope).RunAsync(data.StartNodeId);
            // Conversation variables written inside the item are passed outward (pool copies do not leak otherwise).
            foreach (var u in updates)
            {
                pool.Set(u.Selector[0], u.Selector[1], u.Value);
                scope.OnConversationUpdate?.Invoke(u);
            }
            if (outcome.Failed) return (index, outcome.Error);
            results[index] = data.OutputSelector is null ? null : itemPool.Get(data.OutputSelector)?.DeepClone();
            return (index, null);
        }

        bool Handle((int Index, string? Error) r)
        {
            if (r.Error is null) return true;
            switch (data.ErrorMode)
            {
                case IterationErrorMode.ContinueOnError: results[r.Index] = null; return true;
                case IterationErrorMode.RemoveAbnormalOutput: keep[r.Index] = false; return true;
                default: error = r.Error; return false;
            }
        }

        if (!data.IsParallel)
        {
            for (var i = 0; i < items.Count && !state.Stopped; i++)
                if (!Handle(await RunItem(i))) break;
        }
        else
        {
            var running = new List<Task<(int, string?)>>();
            var nextIndex = 0;
            while ((nextIndex < items.Count || running.Count > 0) && error is null && !state.Stopped)
            {
                while (nextIndex < items.Count && running.Count < data.ParallelNums) running.Add(RunItem(nextIndex++));
                var done = await Task.WhenAny(running);
                running.Remove(done);
                Handle(await done);
            }
        }

        var output = new JsonArray();
        for (var i = 0; i < items.Count; i++)
            if (keep[i]) output.Add(results[i]?.DeepClone());
        if (data.FlattenOutput && output.Count > 0 && output.All(x => x is null || x is JsonArray) && output.Any(x => x is JsonArray))
        {
            var flat = new JsonArray();
            foreach (var x in output.OfType<JsonArray>())
                foreach (var y in x) flat.Add(y?.DeepClone());
            output = flat;
        }

        var outputs = new JsonObject { ["output"] = output };
        var completed = Header(exec, state);
        completed["created_at"] = started;
        completed["inputs"] = inputs.DeepClone();
        completed["outputs"] = outputs.DeepClone();
        completed["status"] = error is null ? "succeeded" : "failed";
        completed["error"] = error;
        completed["elapsed_time"] = state.ElapsedSeconds - startedAt;
        completed["total_tokens"] = state.Tokens - tokensBefore;
        completed["finished_at"] = state.UnixNow;
        completed["steps"] = items.Count;
        state.Emit("iteration_completed", completed);

        if (error is not null) return NodeRunResult.Failure(error, "IterationNodeError", inputs);
        return new NodeRunResult { Inputs = inputs, Outputs = outputs, Metadata = new JsonObject { ["iteration_length"] = items.Count } };
    }

    private static async Task<NodeRunResult> RunLoopAsync(RunState state, NodeExecution exec, LoopNodeData data, VariablePool pool, Scope scope)
    {
        var node = exec.Node;
        foreach (var v in data.Variables)
        {
            var value = v.FromVariable ? (v.Selector is null ? null : pool.Get(v.Selector)?.DeepClone()) : Typed(v.VarType, v.Value);
            pool.Set(node.Id, v.Label, value);
        }
        var started = state.UnixNow;
        var startedAt = state.ElapsedSeconds;
        var header = Header(exec, state);
        header["metadata"] = new JsonObject { ["loop_length"] = data.LoopCount };
        header["inputs"] = LoopOutputs(node.Id, data, pool, 0);
        state.Emit("loop_started", header);

        var children = state.Definition.ContainerChildren[node.Id];
        var rounds = 0;
        var reason = "loop_completed";
        string? error = null;
        if (BreakNow(pool, data, ignoreErrors: true))
        {
            reason = "loop_break";
        }
        else
        {
            for (var round = 0; round < data.LoopCount && !state.Stopped; round++)
            {
                var next = Header(exec, state);
                next["index"] = round;
                next["pre_loop_output"] = LoopOutputs(node.Id, data, pool, round);
                state.Emit("loop_next", next);
                foreach (var child in children) pool.RemoveNode(child);
                var outcome = await new GraphWalker(state, children, pool, new Scope(scope.IterationId, scope.IterationIndex, node.Id, round, scope.OnConversationUpdate))
                    .RunAsync(data.StartNodeId);
                rounds = round + 1;
                if (outcome.Failed) { error = outcome.Error; break; }
                if (outcome.ReachedLoopEnd) { reason = "loop_break"; break; }
                try
                {
                    if (BreakNow(pool, data, ignoreErrors: false)) { reason = "loop_break"; break; }
                }
                catch (NodeExecutionException ex) { error = ex.Message; break; }
            }
        }

        var outputs = LoopOutputs(node.Id, data, pool, rounds);
        var completed = Header(exec, state);
        completed["created_at"] = started;
        completed["outputs"] = outputs.DeepClone();
        completed["status"] = error is null ? "succeeded" : "failed";
        completed["error"] = error;
        completed["elapsed_time"] = state.ElapsedSeconds - startedAt;
        completed["finished_at"] = state.UnixNow;
        completed["steps"] = rounds;
        state.Emit("loop_completed", completed);
        if (error is not null) return NodeRunResult.Failure(error, "LoopNodeError");
        return new NodeRunResult { Outputs = outputs, Metadata = new JsonObject { ["loop_duration_map"] = new JsonObject(), ["completed_reason"] = reason } };
    }

    private static bool BreakNow(VariablePool pool, LoopNodeData data, bool ignoreErrors)
    {
        if (data.BreakConditions.Count == 0) return false;
        try
        {
            return ConditionEvaluator.EvaluateAll(pool, data.BreakConditions, data.LogicalOperator);
        }
        catch (NodeExecutionException) when (ignoreErrors)
        {
            return false;
        }
    }

    private static JsonObject LoopOutputs(string loopId, LoopNodeData data, VariablePool pool, int rounds)
    {
        var o = new JsonObject();
        foreach (var v in data.Variables) o[v.Label] = pool.Get(loopId, v.Label)?.DeepClone();
        o["loop_round"] = rounds;
        return o;
    }

    /// <summary>Constant loop variables come as text from the editor; give them their declared type.</summary>
    private static JsonNode? Typed(string varType, JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return value?.DeepClone();
        var text = v.GetValue<string>();
        switch (varType)
        {
            case "number":
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
            case "boolean":
                return text.Trim().ToLowerInvariant() is "true" or "1";
            case "string":
                return text;
            default:
                try { return JsonNode.Parse(text); }
                catch (JsonException) { return text; }
        }
    }
}
