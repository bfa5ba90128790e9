using System.Collections.Concurrent;

namespace Dify.Workflows.Engine.Definition;

/// <summary>Finds compiled workflows by key; orchestrators and node activities resolve their definition through it.</summary>
public interface IWorkflowCatalog
{
    WorkflowDefinition Get(string key);
    bool TryGet(string key, out WorkflowDefinition? definition);
    void Add(WorkflowDefinition definition);
}

/// <summary>In-process catalog; the host fills it from its app store at start and on import.</summary>
public sealed class WorkflowCatalog : IWorkflowCatalog
{
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _definitions = new(StringComparer.Ordinal);

    public WorkflowDefinition Get(string key) =>
        _definitions.TryGetValue(key, out var d) ? d : throw new KeyNotFoundException($"Workflow '{key}' is not loaded.");

    public bool TryGet(string key, out WorkflowDefinition? definition) => _definitions.TryGetValue(key, out definition);

    public void Add(WorkflowDefinition definition) => _definitions[definition.Key] = definition;
}
