using System.Text.Json.Nodes;

namespace Dify.Storage.Conversations;

/// <summary>A chat conversation of one end user with one app.</summary>
public sealed record ConversationRecord(
    string Id,
    string AppId,
    string EndUserId,
    string Name,
    JsonObject Inputs,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One turn: the query, the answer (filled when the run ends), the run behind it.</summary>
public sealed record MessageRecord(
    string Id,
    string ConversationId,
    string AppId,
    string Query,
    string Answer,
    JsonObject Inputs,
    string? WorkflowRunId,
    string Status,
    string? Error,
    int TotalTokens,
    DateTimeOffset CreatedAt);

/// <summary>A conversation variable's current value (JSON) and Dify value type.</summary>
public sealed record ConversationVariableRecord(
    string Id,
    string ConversationId,
    string Name,
    string ValueType,
    JsonNode? Value,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What a finished chat run changes: the message's answer and status, and the conversation variables.</summary>
public sealed record TurnCompletion(
    string ConversationId,
    string MessageId,
    string Answer,
    string Status,
    string? Error,
    int TotalTokens,
    IReadOnlyDictionary<string, JsonNode?> Variables,
    DateTimeOffset At);

/// <summary>A page of rows and whether more follow.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore);
