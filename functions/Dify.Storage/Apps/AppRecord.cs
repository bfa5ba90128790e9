namespace Dify.Storage.Apps;

/// <summary>An imported app: its identity, Dify mode string, the DSL text of its current version and that version's key.</summary>
public sealed record AppRecord(
    string Id,
    string Name,
    string Mode,
    string Description,
    string Dsl,
    string VersionKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One DSL version an app has had; kept after the app moves on (or is deleted) so unfinished runs can resume.</summary>
public sealed record AppVersionRecord(string Key, string AppId, string Dsl, DateTimeOffset CreatedAt);
