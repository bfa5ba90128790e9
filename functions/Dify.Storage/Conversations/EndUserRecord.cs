namespace Dify.Storage.Conversations;

/// <summary>A Service API caller as Dify records it: the app and the caller's <c>user</c> string (session id).</summary>
public sealed record EndUserRecord(string Id, string AppId, string SessionId, DateTimeOffset CreatedAt);
