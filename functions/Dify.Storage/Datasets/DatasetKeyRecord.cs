namespace Dify.Storage.Datasets;

/// <summary>A dataset API key (<c>dataset-…</c>). Only the SHA-256 hash of the token is stored; the token is shown once.</summary>
public sealed record DatasetKeyRecord(string Id, string TokenHash, DateTimeOffset CreatedAt);
