using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>
/// Runs one node inside the orchestrator: inline nodes directly, I/O nodes as durable activities
/// with Dify's retry (node_retry events, durable timers between attempts); then applies the node's
/// error strategy (default-value, fail-branch).
/// </summary>
internal static class NodeRunner
{
    public static NodeExecution Start(RunState state, CompiledNode node, string? predecessor, Scope scope)
    {
        state.CheckLimits();
        state.Steps++;
        var exec = new NodeExecution(node, state.Context.NewGuid().ToString(), ++state.NodeIndex, predecessor, scope, state.UnixNow);
        state.Emit("node_started", exec.StartedData());
        return exec;
    }

    /// <summary>Pure nodes complete synchronously on the orchestrator thread.</summary>
    public static NodeRunResult RunInline(RunState state, NodeExecution exec, VariablePool pool)
    {
        var node = exec.Node;
        var context = new NodeRunContext(node.Node, pool, state.Request.Run, NullNodeStream.Instance, state.Request.History);
        var watch = Stopwatch.StartNew();
        NodeRunResult result;
        try
        {
            var pending = node.Executor.RunAsync(context, node.Data, CancellationToken.None);
            if (!pending.IsCompleted) throw new InvalidOperationException($"Inline node type '{node.Type}' must complete synchronously.");
            result = pending.Result;
        }
        catch (NodeExecutionException ex)
        {
            result = NodeRunResult.Failure(ex.Message, ex.ErrorType);
        }
        return ApplyErrorPolicy(node, result) with { ElapsedSeconds = watch.Elapsed.TotalSeconds };
    }

    public static async Task<NodeRunResult> RunActivityAsync(RunState state, NodeExecution exec, VariablePool pool, NodeStreamPlan? stream)
    {
        var node = exec.Node;
        var retry = node.Executor.SupportsRetry ? node.ErrorPolicy.Retry : RetryConfig.Disabled;
        for (var attempt = 0; ; attempt++)
        {
            var input = new NodeActivityInput(state.Definition.Key, node.Id, exec.Id, attempt, state.Request.Run, pool.Copy(), state.Request.History, stream);
            NodeRunResult result;
            try
            {
                result = await state.Context.CallActivityAsync<NodeRunResult>(NodeActivity.Name, input);
            }
            catch (ActivityFailedException ex)
            {
                result = NodeRunResult.Failure(ex.ErrorMessage, ex.ErrorType);
            }
            if (result.Status == NodeRunStatus.Failed && retry.Enabled && attempt < retry.MaxRetries && !state.Stopped)
            {
                var data = exec.FinishedData(result, state.UnixNow, result.ElapsedSeconds);
                data["status"] = "retry";
                data["retry_index"] = attempt + 1;
                state.Emit("node_retry", data);
                if (retry.IntervalMs > 0)
                    await state.Context.CreateTimer(state.Context.CurrentUtcDateTime.AddMilliseconds(retry.IntervalMs));
                continue;
            }
            return ApplyErrorPolicy(node, result);
        }
    }

    /// <summary>Turns a failure into an exception status with default or fail-branch outputs, when the node asks for it.</summary>
    public static NodeRunResult ApplyErrorPolicy(CompiledNode node, NodeRunResult result)
    {
        if (result.Status != NodeRunStatus.Failed) return result;
        switch (node.ErrorPolicy.Strategy)
        {
            case ErrorStrategy.DefaultValue:
            {
                var outputs = (JsonObject)node.ErrorPolicy.DefaultOutputs.DeepClone();
                outputs["error_message"] = result.Error;
                outputs["error_type"] = result.ErrorType;
                return result with { Status = NodeRunStatus.Exception, Outputs = outputs, EdgeSourceHandle = "source" };
            }
            case ErrorStrategy.FailBranch:
                return result with
                {
                    Status = NodeRunStatus.Exception,
                    Outputs = new JsonObject { ["error_message"] = result.Error, ["error_type"] = result.ErrorType },
                    EdgeSourceHandle = "fail-branch",
                };
            default:
                return result;
        }
    }
}
