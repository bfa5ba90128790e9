using System.Text.Json.Nodes;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Nodes;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>One execution of a node: its deterministic id, run-order index and the payloads Dify's node events carry.</summary>
internal sealed class NodeExecution(CompiledNode node, string id, int index, string? predecessor, Scope scope, long createdAt)
{
    public CompiledNode Node { get; } = node;
    public string Id { get; } = id;
    public int Index { get; } = index;
    public string? Predecessor { get; } = predecessor;
    public Scope Scope { get; } = scope;
    public long CreatedAt { get; } = createdAt;

    public JsonObject StartedData() => new()
    {
        ["id"] = Id,
        ["node_id"] = Node.Id,
        ["node_type"] = Node.Type,
        ["title"] = Node.Node.Title,
        ["index"] = Index,
        ["predecessor_node_id"] = Predecessor,
        ["inputs"] = null,
        ["created_at"] = CreatedAt,
        ["extras"] = new JsonObject(),
        ["iteration_id"] = Scope.IterationId,
        ["loop_id"] = Scope.LoopId,
        ["parallel_run_id"] = null,
    };

    public JsonObject FinishedData(NodeRunResult result, long finishedAt, double elapsed)
    {
        var data = StartedData();
        data["inputs"] = result.Inputs?.DeepClone();
        data["process_data"] = result.ProcessData?.DeepClone();
        data["outputs"] = result.Outputs.DeepClone();
        data["status"] = StatusText(result.Status);
        data["error"] = result.Error;
        data["elapsed_time"] = elapsed;
        var metadata = result.Metadata?.DeepClone() as JsonObject ?? new JsonObject();
        if (result.TotalTokens > 0) metadata["total_tokens"] = result.TotalTokens;
        if (Node.ErrorPolicy.Strategy != ErrorStrategy.None && result.Status == NodeRunStatus.Exception)
            metadata["error_strategy"] = Node.ErrorPolicy.Strategy == ErrorStrategy.FailBranch ? "fail-branch" : "default-value";
        if (Scope.IterationIndex is int i) metadata["iteration_index"] = i;
        if (Scope.LoopIndex is int l) metadata["loop_index"] = l;
        data["execution_metadata"] = metadata;
        data["finished_at"] = finishedAt;
        data["files"] = new JsonArray();
        return data;
    }

    public static string StatusText(NodeRunStatus status) => status switch
    {
        NodeRunStatus.Succeeded => "succeeded",
        NodeRunStatus.Failed => "failed",
        NodeRunStatus.Exception => "exception",
        NodeRunStatus.Stopped => "stopped",
        _ => "skipped",
    };
}
