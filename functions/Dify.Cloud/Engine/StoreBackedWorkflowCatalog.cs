using System.Collections.Concurrent;
using Dify.Storage.Apps;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Engine;

/// <summary>
/// The workflow catalog of a scaled-out app: an orchestration or node activity may land on an instance that never
/// imported the app, so a key not yet compiled here is looked up among the stored versions (keys are content hashes,
/// so what a key compiles to never changes). <see cref="IWorkflowCatalog.Get"/> is synchronous and orchestrator code
/// must not await non-durable work, so the store is read with a blocking call once per key and instance.
/// </summary>
public sealed class StoreBackedWorkflowCatalog(IAppStore store, WorkflowAppLoader loader, ILogger<StoreBackedWorkflowCatalog> logger) : IWorkflowCatalog
{
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _definitions = new(StringComparer.Ordinal);

    public WorkflowDefinition Get(string key) =>
        TryGet(key, out var definition) ? definition! : throw new KeyNotFoundException($"Workflow '{key}' is neither loaded nor among the stored app versions.");

    public bool TryGet(string key, out WorkflowDefinition? definition)
    {
        if (_definitions.TryGetValue(key, out definition)) return true;
        // Task.Run leaves the caller's synchronization context (the orchestration's) before blocking on the store.
        definition = Task.Run(() => LoadAsync(key)).GetAwaiter().GetResult();
        return definition is not null;
    }

    public void Add(WorkflowDefinition definition) => _definitions[definition.Key] = definition;

    private async Task<WorkflowDefinition?> LoadAsync(string key)
    {
        var version = (await store.ListVersionsAsync(CancellationToken.None).ConfigureAwait(false)).FirstOrDefault(v => v.Key == key);
        if (version is null) return null;
        var loaded = loader.Load(version.Dsl, version.AppId + ".yml");
        if (loaded.Definition is null)
        {
            logger.LogWarning("Stored version {VersionKey} of app {AppId} no longer compiles", key, version.AppId);
            return null;
        }
        return _definitions.GetOrAdd(loaded.Definition.Key, loaded.Definition);
    }
}
