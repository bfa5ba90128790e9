namespace Dify.Api.Runs;

/// <summary>What the tracker needs to record a run's end: the run, its app and, for chat, the conversation and message.</summary>
public sealed record TrackedRun(string RunId, string AppId, string? ConversationId, string? MessageId);
