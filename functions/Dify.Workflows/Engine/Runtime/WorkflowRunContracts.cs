using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dify.Workflows.Nodes;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>WORKFLOW_MAX_EXECUTION_STEPS and WORKFLOW_MAX_EXECUTION_TIME (seconds).</summary>
public sealed record RunLimits(int MaxSteps = 500, int MaxSeconds = 1200);

/// <summary>
/// The orchestration input: everything a run needs, decided before it starts (so replays see the same).
/// <see cref="System"/> holds sys.* values (query, files, conversation_id, dialogue_count, user_id...).
/// </summary>
public sealed record WorkflowRunRequest(
    string WorkflowKey,
    RunInfo Run,
    JsonObject Inputs,
    JsonObject System,
    JsonObject? ConversationVariables = null,
    IReadOnlyList<ConversationTurn>? History = null,
    RunLimits? Limits = null);

public static class WorkflowRunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string PartialSucceeded = "partial-succeeded";
    public const string Stopped = "stopped";
}

/// <summary>The orchestration output (Dify's WorkflowFinishedData plus the chat answer and conversation state).</summary>
public sealed record WorkflowRunResult
{
    public required string Status { get; init; }
    public JsonObject Outputs { get; init; } = new();
    public string? Error { get; init; }
    public int TotalSteps { get; init; }
    public int TotalTokens { get; init; }
    /// <summary>Prompt/completion tokens and prices of every model call (message_end's usage).</summary>
    public Dify.Models.Chat.TokenUsage Usage { get; init; } = Dify.Models.Chat.TokenUsage.Empty;
    public int ExceptionsCount { get; init; }
    /// <summary>Chatflow: the concatenated answers. Null for workflow apps.</summary>
    public string? Answer { get; init; }
    /// <summary>Conversation variables after the run (chatflow), to persist.</summary>
    public JsonObject ConversationVariables { get; init; } = new();
    /// <summary>Citations collected from knowledge retrieval used as LLM context.</summary>
    public JsonArray RetrieverResources { get; init; } = new();
    public long CreatedAt { get; init; }
    public long FinishedAt { get; init; }
    public double ElapsedTime { get; init; }
}

/// <summary>Input of the node activity. The pool is a copy taken when the node was scheduled.</summary>
public sealed record NodeActivityInput(
    string WorkflowKey,
    string NodeId,
    string ExecutionId,
    int Attempt,
    RunInfo Run,
    [property: JsonPropertyName("pool")] Variables.VariablePool Pool,
    IReadOnlyList<ConversationTurn>? History,
    NodeStreamPlan? Stream);

/// <summary>Where a node's streamed chunks go on the public stream: which event and selector, or nowhere.</summary>
public sealed record NodeStreamPlan(string Event, string Variable);
