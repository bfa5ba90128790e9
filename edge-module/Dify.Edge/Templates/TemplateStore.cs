using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dify.Workflows.Dsl;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Templates;

/// <summary>
/// The device's templates: validated (import + compile, workflow mode), stored under <c>{data}/apps/{key}.yml</c> (every
/// version a run may still need), and activated atomically: <c>{data}/templates/state.json</c> is replaced in one rename
/// and the in-memory set in one swap, so a rejected version never displaces the active one.
/// </summary>
public sealed class TemplateStore(EdgeEngine engine, ILogger<TemplateStore> logger)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly SemaphoreSlim gate = new(1, 1);
    private ImmutableDictionary<string, ActiveTemplate> active = ImmutableDictionary<string, ActiveTemplate>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableDictionary<string, TemplateStatus> statuses = ImmutableDictionary<string, TemplateStatus>.Empty.WithComparers(StringComparer.Ordinal);

    private string AppsDirectory => Path.Combine(engine.DataDirectory, "apps");

    private string StatePath => Path.Combine(engine.DataDirectory, "templates", "state.json");

    public ImmutableDictionary<string, ActiveTemplate> Active => Volatile.Read(ref active);

    /// <summary>The outcome of the last version pushed for each template (what the twin's reported properties carry).</summary>
    public ImmutableDictionary<string, TemplateStatus> Statuses => Volatile.Read(ref statuses);

    public ActiveTemplate? Find(string id) => Active.TryGetValue(id, out var t) ? t : null;

    /// <summary>Loads every stored app version into the engine's catalog (unfinished runs may need old ones), then the active set.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(AppsDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(AppsDirectory, "*.yml"))
            {
                var app = engine.Loader.Load(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), Path.GetFileName(file));
                if (app.Definition is not null) engine.Catalog.Add(app.Definition);
                else logger.LogWarning("Stored template file {File} no longer compiles: {Problems}", file, Describe(app));
            }
        }

        if (!File.Exists(StatePath)) return;
        var state = JsonSerializer.Deserialize<StoreState>(await File.ReadAllBytesAsync(StatePath, cancellationToken).ConfigureAwait(false), Json) ?? new StoreState();
        var loaded = ImmutableDictionary.CreateBuilder<string, ActiveTemplate>(StringComparer.Ordinal);
        foreach (var record in state.Templates.Values)
        {
            if (engine.Catalog.TryGet(record.Key, out var definition)) loaded[record.Id] = new ActiveTemplate(record, definition!);
            else logger.LogError("Active template {TemplateId} version {Version} has no loadable file ({Key})", record.Id, record.Version, record.Key);
        }

        Volatile.Write(ref active, loaded.ToImmutable());
        Volatile.Write(ref statuses, state.Statuses.ToImmutableDictionary(StringComparer.Ordinal));
        logger.LogInformation("Loaded {Count} active templates: {Templates}", loaded.Count, string.Join(", ", loaded.Values.Select(t => $"{t.Id}@{t.Version}")));
    }

    /// <summary>Imports and compiles <paramref name="content"/>; the loaded app, or the reason it is rejected.</summary>
    public (LoadedApp? App, string? Error) Validate(string id, string content)
    {
        LoadedApp app;
        try
        {
            app = engine.Loader.Load(content, id + ".yml");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, "import failed: " + e.Message);
        }

        if (app.Definition is null) return (null, Describe(app));
        if (app.Definition.Mode != AppMode.Workflow) return (null, $"edge templates must be workflow apps, not {app.Definition.Mode}");
        return (app, null);
    }

    /// <summary>Validates and activates a version; on rejection the active version (if any) stays.</summary>
    public async Task<TemplateStatus> ActivateAsync(string id, string version, string content, bool enabled, CancellationToken cancellationToken)
    {
        var (app, error) = Validate(id, content);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (app is null) return await RecordRejectionAsync(id, version, error!, cancellationToken).ConfigureAwait(false);

            var definition = app.Definition!;
            var file = Path.Combine(AppsDirectory, definition.Key + ".yml");
            if (!File.Exists(file)) await AtomicFile.WriteAsync(file, content, cancellationToken).ConfigureAwait(false);
            engine.Catalog.Add(definition);
            var record = new TemplateRecord(id, version, definition.Key, enabled, DateTimeOffset.UtcNow);
            var status = new TemplateStatus(version, enabled ? TemplateStatus.Active : TemplateStatus.Disabled, null);
            await CommitAsync(Active.SetItem(id, new ActiveTemplate(record, definition)), Statuses.SetItem(id, status), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Template {TemplateId} version {Version} activated ({Key}, enabled {Enabled})", id, version, definition.Key, enabled);
            return status;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Records that a version was rejected (fetch or validation); the active version, if any, keeps running.</summary>
    public async Task<TemplateStatus> RejectAsync(string id, string version, string error, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RecordRejectionAsync(id, version, error, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TemplateStatus> RecordRejectionAsync(string id, string version, string error, CancellationToken cancellationToken)
    {
        logger.LogWarning("Template {TemplateId} version {Version} rejected: {Error}", id, version, error);
        var rejected = new TemplateStatus(version, TemplateStatus.Rejected, error);
        await CommitAsync(Active, Statuses.SetItem(id, rejected), cancellationToken).ConfigureAwait(false);
        return rejected;
    }

    /// <summary>Turns an active template on or off without changing its version.</summary>
    public async Task<TemplateStatus?> SetEnabledAsync(string id, bool enabled, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Find(id) is not { } current) return null;
            var updated = current with { Record = current.Record with { Enabled = enabled } };
            var status = new TemplateStatus(current.Version, enabled ? TemplateStatus.Active : TemplateStatus.Disabled, null);
            await CommitAsync(Active.SetItem(id, updated), Statuses.SetItem(id, status), cancellationToken).ConfigureAwait(false);
            return status;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops running a template (its app file stays until no run needs it).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CommitAsync(Active.Remove(id), Statuses.Remove(id), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CommitAsync(ImmutableDictionary<string, ActiveTemplate> nextActive, ImmutableDictionary<string, TemplateStatus> nextStatuses, CancellationToken cancellationToken)
    {
        var state = new StoreState
        {
            Templates = nextActive.Values.ToDictionary(t => t.Id, t => t.Record, StringComparer.Ordinal),
            Statuses = nextStatuses.ToDictionary(StringComparer.Ordinal),
        };
        await AtomicFile.WriteAsync(StatePath, JsonSerializer.SerializeToUtf8Bytes(state, Json), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref active, nextActive);
        Volatile.Write(ref statuses, nextStatuses);
    }

    private static string Describe(LoadedApp app)
    {
        var errors = app.Errors.Take(5).Select(p => p.ToString()).ToList();
        return errors.Count == 0 ? "the template did not compile" : string.Join("; ", errors);
    }

    private sealed class StoreState
    {
        [JsonPropertyName("templates")]
        public Dictionary<string, TemplateRecord> Templates { get; set; } = new(StringComparer.Ordinal);

        [JsonPropertyName("statuses")]
        public Dictionary<string, TemplateStatus> Statuses { get; set; } = new(StringComparer.Ordinal);
    }
}
