using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes;

[JsonConverter(typeof(JsonStringEnumConverter<NodeRunStatus>))]
public enum NodeRunStatus { Succeeded, Failed, Exception, Stopped, Skipped }

/// <summary>A write into the pool requested by a node (assigner): conversation or loop variables.</summary>
public sealed record VariableUpdate(IReadOnlyList<string> Selector, JsonNode? Value);

/// <summary>
/// What a node returns (Dify's NodeRunResult). Every key of <see cref="Outputs"/> is stored into
/// the pool as [node_id, key]. Serialisable: activity results are kept in the durable history.
/// </summary>
public sealed record NodeRunResult
{
    public NodeRunStatus Status { get; init; } = NodeRunStatus.Succeeded;
    public JsonObject? Inputs { get; init; }
    public JsonObject? ProcessData { get; init; }
    public JsonObject Outputs { get; init; } = new();
    public JsonObject? Metadata { get; init; }
    /// <summary>The branch handle taken: "source" for ordinary nodes, a case id, a class id.</summary>
    public string EdgeSourceHandle { get; init; } = "source";
    public string? Error { get; init; }
    public string? ErrorType { get; init; }
    public IReadOnlyList<VariableUpdate>? VariableUpdates { get; init; }
    /// <summary>Tokens used by model calls in this node.</summary>
    public int TotalTokens { get; init; }
    /// <summary>Token counts and prices of this node's model calls (Dify's llm_usage), summed into the run's usage.</summary>
    public Dify.Models.Chat.TokenUsage? Usage { get; init; }
    /// <summary>Wall time measured where the node ran (activity), in seconds.</summary>
    public double ElapsedSeconds { get; init; }

    public static NodeRunResult Success(JsonObject outputs, JsonObject? inputs = null, string handle = "source") =>
        new() { Outputs = outputs, Inputs = inputs, EdgeSourceHandle = handle };

    public static NodeRunResult Failure(string error, string errorType = "WorkflowNodeError", JsonObject? inputs = null) =>
        new() { Status = NodeRunStatus.Failed, Error = error, ErrorType = errorType, Inputs = inputs };
}

/// <summary>Thrown by executors for a failure the node reports to the user (Dify's node error message).</summary>
public class NodeExecutionException(string message, string errorType = "WorkflowNodeError", Exception? inner = null)
    : Exception(message, inner)
{
    public string ErrorType { get; } = errorType;
}

public static class SelectorExtensions
{
    public static VariableUpdate ToUpdate(this Selector selector, JsonNode? value) => new(selector.Parts, value);
}
