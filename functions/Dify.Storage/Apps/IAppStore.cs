namespace Dify.Storage.Apps;

/// <summary>Apps and every DSL version they have had.</summary>
public interface IAppStore
{
    /// <summary>Adds the app and its current version (one transaction).</summary>
    Task CreateAsync(AppRecord app, CancellationToken cancellationToken);

    Task<AppRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every app, newest first.</summary>
    Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes the app and its API keys; its versions stay. False when no such app.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every stored version of every app (deleted apps included).</summary>
    Task<IReadOnlyList<AppVersionRecord>> ListVersionsAsync(CancellationToken cancellationToken);
}
