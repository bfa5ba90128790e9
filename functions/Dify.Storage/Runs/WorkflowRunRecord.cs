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

/// <summary>
/// Dify's /workflows/logs filters: status, a keyword matched (case-insensitively) in the inputs, outputs, error or the
/// end user's session id, a created_at window, and the end user's session id.
/// </summary>
public sealed record WorkflowRunFilter(
    string? Status = null,
    string? Keyword = null,
    DateTimeOffset? CreatedBefore = null,
    DateTimeOffset? CreatedAfter = null,
    string? SessionId = null)
{
    public static WorkflowRunFilter None { get; } = new();

    /// <summary>The same test the adapters apply, for adapters that filter in memory.</summary>
    public bool Matches(WorkflowRunRecord run)
    {
        if (Status is not null && run.Status != Status) return false;
        if (SessionId is not null && run.SessionId != SessionId) return false;
        if (CreatedBefore is { } before && run.CreatedAt >= before) return false;
        if (CreatedAfter is { } after && run.CreatedAt <= after) return false;
        if (string.IsNullOrEmpty(Keyword)) return true;
        return Contains(run.Inputs.ToJsonString()) || Contains(run.Outputs?.ToJsonString()) || Contains(run.Error) || Contains(run.SessionId);
    }

    private bool Contains(string? text) => text is not null && text.Contains(Keyword!, StringComparison.OrdinalIgnoreCase);
}
