namespace Dify.Storage.Apps;

/// <summary>An app's API key. Only the SHA-256 hash of the token is stored; the token is shown once, at creation.</summary>
public sealed record ApiKeyRecord(string Id, string AppId, string Type, string TokenHash, DateTimeOffset CreatedAt);
