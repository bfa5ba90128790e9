using System.Collections.Concurrent;
using Dify.Storage.Apps;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Api.Apps;

/// <summary>
/// Imports apps into the store and serves them compiled. Every stored DSL version is put in the
/// engine's catalog at start, so unfinished runs of old versions can resume. Apps imported by another
/// process sharing the data folder (the CLI) are found in the store on first use.
/// </summary>
public sealed class AppRegistry(IAppStore store, IApiKeyStore keys, WorkflowAppLoader loader, IWorkflowCatalog catalog, TimeProvider time, ILogger<AppRegistry> logger)
{
    private readonly ConcurrentDictionary<string, ActiveApp> _apps = new(StringComparer.Ordinal);

    /// <summary>Compiles every stored version into the catalog; returns how many apps are served.</summary>
    public async Task<int> LoadAllAsync(CancellationToken cancellationToken)
    {
        foreach (var version in await store.ListVersionsAsync(cancellationToken))
        {
            if (catalog.TryGet(version.Key, out _)) continue;
            var loaded = loader.Load(version.Dsl, version.AppId + ".yml");
            if (loaded.Definition is not null) catalog.Add(loaded.Definition);
            else logger.LogWarning("Stored version {VersionKey} of app {AppId} no longer compiles", version.Key, version.AppId);
        }
        var count = 0;
        foreach (var app in await store.ListAsync(cancellationToken))
            if (Activate(app) is not null) count++;
        return count;
    }

    public async Task<AppImportResult> ImportAsync(string yaml, CancellationToken cancellationToken)
    {
        var importId = Guid.NewGuid().ToString();
        var loaded = loader.Load(yaml, "app.yml");
        var mode = loaded.Import.Document?.App.Mode.ToDsl();
        if (loaded.Definition is not { } definition)
        {
            var errors = loaded.Errors.Select(p => p.ToString()).ToList();
            if (errors.Count == 0) errors.Add(loaded.Import.Error ?? "The app file could not be imported.");
            return new AppImportResult(importId, DslImportStatus.Failed, null, mode, loaded.Import.CurrentVersion, loaded.Import.ImportedVersion, string.Join("\n", errors));
        }
        var now = time.GetUtcNow();
        var info = definition.Document.App;
        var record = new AppRecord(Guid.NewGuid().ToString(), info.Name, info.Mode.ToDsl(), info.Description, yaml, definition.Key, now, now);
        await store.CreateAsync(record, cancellationToken);
        catalog.Add(definition);
        var app = new ActiveApp(record, definition);
        _apps[record.Id] = app;
        logger.LogInformation("Imported app {AppId} ({AppMode}) version {VersionKey}", record.Id, record.Mode, record.VersionKey);
        var warnings = string.Join("\n", loaded.Problems.Where(p => p.IsWarning).Select(p => p.ToString()));
        return new AppImportResult(importId, loaded.Import.Status, app, record.Mode, loaded.Import.CurrentVersion, loaded.Import.ImportedVersion, warnings);
    }

    /// <summary>The app, or null when there is none (or it no longer compiles).</summary>
    public async Task<ActiveApp?> GetAsync(string appId, CancellationToken cancellationToken)
    {
        if (_apps.TryGetValue(appId, out var app)) return app;
        var record = await store.GetAsync(appId, cancellationToken);
        return record is null ? null : Activate(record);
    }

    /// <summary>The app served at one of its stored versions (<paramref name="versionKey"/> is the workflow_id runs report), or null.</summary>
    public async Task<ActiveApp?> GetVersionAsync(ActiveApp app, string versionKey, CancellationToken cancellationToken)
    {
        if (versionKey == app.Definition.Key) return app;
        var version = (await store.ListVersionsAsync(cancellationToken)).FirstOrDefault(v => v.AppId == app.Id && v.Key == versionKey);
        if (version is null) return null;
        if (!catalog.TryGet(version.Key, out var definition) || definition is null)
        {
            var loaded = loader.Load(version.Dsl, app.Id + ".yml");
            if (loaded.Definition is null) return null;
            definition = loaded.Definition;
            catalog.Add(definition);
        }
        return new ActiveApp(app.Record, definition);
    }

    public async Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken) => await store.ListAsync(cancellationToken);

    public async Task<bool> DeleteAsync(string appId, CancellationToken cancellationToken)
    {
        _apps.TryRemove(appId, out _);
        var deleted = await store.DeleteAsync(appId, cancellationToken);
        if (deleted) logger.LogInformation("Deleted app {AppId}", appId);
        return deleted;
    }

    /// <summary>Creates an API key for the app; the token is returned once and only its hash is kept.</summary>
    public async Task<(ApiKeyRecord Key, string Token)> CreateKeyAsync(string appId, CancellationToken cancellationToken)
    {
        var token = Auth.ApiKeyTokens.NewAppToken();
        var key = new ApiKeyRecord(Guid.NewGuid().ToString(), appId, "app", Auth.ApiKeyTokens.Hash(token), time.GetUtcNow());
        await keys.CreateAsync(key, cancellationToken);
        logger.LogInformation("Created API key {KeyId} for app {AppId}", key.Id, appId);
        return (key, token);
    }

    public Task<bool> DeleteKeyAsync(string appId, string keyId, CancellationToken cancellationToken) => keys.DeleteAsync(appId, keyId, cancellationToken);

    private ActiveApp? Activate(AppRecord record)
    {
        if (!catalog.TryGet(record.VersionKey, out var definition) || definition is null)
        {
            var loaded = loader.Load(record.Dsl, record.Id + ".yml");
            if (loaded.Definition is null)
            {
                logger.LogWarning("App {AppId} does not compile: {Problems}", record.Id, string.Join("; ", loaded.Errors));
                return null;
            }
            definition = loaded.Definition;
            catalog.Add(definition);
        }
        return _apps.GetOrAdd(record.Id, new ActiveApp(record, definition));
    }
}
