using System.Text.Json.Nodes;

namespace Dify.Storage.Runs;

/// <summary>The API's index of a run: who started it, for which app and version, and (once finished) its outcome.</summary>
public sealed record WorkflowRunRecord(
    string Id,
    string AppId,
    string WorkflowId,
    string Mode,
    string EndUserId,
    string SessionId,
    string? ConversationId,
    string? MessageId,
    string Status,
    JsonObject Inputs,
    JsonObject? Outputs,
    string? Error,
    double ElapsedTime,
    int TotalTokens,
    int TotalSteps,
    int ExceptionsCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>The outcome written when a run ends.</summary>
public sealed record WorkflowRunOutcome(
    string Status,
    JsonObject Outputs,
    string? Error,
    double ElapsedTime,
    int TotalTokens,
    int TotalSteps,
    int ExceptionsCount,
    DateTimeOffset FinishedAt);
