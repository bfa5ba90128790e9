using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Nodes;
using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>
/// The durable activity that executes one I/O node (llm, code, http-request, retrieval...). It runs
/// at least once; node failures come back as a failed <see cref="NodeRunResult"/> (the orchestrator
/// applies retry and error strategy), only infrastructure errors throw.
/// </summary>
public sealed class NodeActivity(IWorkflowCatalog catalog, IRunEventSink events, ILogger<NodeActivity> logger)
{
    public const string Name = "dify.node";

    public async Task<NodeRunResult> ExecuteAsync(NodeActivityInput input, CancellationToken cancellationToken)
    {
        var definition = catalog.Get(input.WorkflowKey);
        var node = definition.Nodes[input.NodeId];
        var stream = input.Stream is null
            ? (INodeStream)NullNodeStream.Instance
            : new PublicNodeStream(events, input, node.Id);
        var context = new NodeRunContext(node.Node, input.Pool, input.Run, stream, input.History);
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await node.Executor.RunAsync(context, node.Data, cancellationToken).ConfigureAwait(false);
            return result with { ElapsedSeconds = watch.Elapsed.TotalSeconds };
        }
        catch (NodeExecutionException ex)
        {
            return NodeRunResult.Failure(ex.Message, ex.ErrorType) with { ElapsedSeconds = watch.Elapsed.TotalSeconds };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Node {NodeId} ({NodeType}) of run {RunId} failed unexpectedly", node.Id, node.Type, input.Run.RunId);
            return NodeRunResult.Failure(ex.Message, ex.GetType().Name) with { ElapsedSeconds = watch.Elapsed.TotalSeconds };
        }
    }

    /// <summary>Publishes streamed chunks as text_chunk/message events; keys make re-runs after a crash idempotent.</summary>
    private sealed class PublicNodeStream(IRunEventSink events, NodeActivityInput input, string nodeId) : INodeStream
    {
        private int _index;

        public ValueTask ChunkAsync(string variable, string text, bool isFinal = false, CancellationToken cancellationToken = default)
        {
            if (variable != input.Stream!.Variable || text.Length == 0) return ValueTask.CompletedTask;
            var selector = new JsonArray(nodeId, variable);
            var data = input.Stream.Event == "message"
                ? new JsonObject { ["answer"] = text, ["from_variable_selector"] = selector }
                : new JsonObject { ["text"] = text, ["from_variable_selector"] = selector };
            events.Append(input.Run.RunId, $"a:{input.ExecutionId}:{input.Attempt}:{_index++}", new RunEvent(input.Stream.Event, data));
            return ValueTask.CompletedTask;
        }

        /// <summary>Reasoning pieces (reasoning_format: separated) become reasoning_chunk events for the streamed LLM.</summary>
        public ValueTask ReasoningAsync(string text, bool isFinal = false, CancellationToken cancellationToken = default)
        {
            if (text.Length == 0 && !isFinal) return ValueTask.CompletedTask;
            var data = new JsonObject { ["reasoning"] = text, ["node_id"] = nodeId, ["is_final"] = isFinal };
            events.Append(input.Run.RunId, $"a:{input.ExecutionId}:{input.Attempt}:{_index++}", new RunEvent("reasoning_chunk", data));
            return ValueTask.CompletedTask;
        }
    }
}
