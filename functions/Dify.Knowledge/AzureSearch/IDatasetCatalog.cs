using System.Collections.Concurrent;
using Dify.Knowledge.Datasets;

namespace Dify.Knowledge.AzureSearch;

/// <summary>Where an index that only holds chunks reads dataset settings (name, description, embedding model, retrieval defaults).</summary>
public interface IDatasetCatalog
{
    Task<DatasetRecord?> GetAsync(string datasetId, CancellationToken cancellationToken);
}

/// <summary>The datasets of a knowledge file (<see cref="DatasetStore"/>) as a catalog.</summary>
public sealed class DatasetStoreCatalog(DatasetStore store) : IDatasetCatalog
{
    public Task<DatasetRecord?> GetAsync(string datasetId, CancellationToken cancellationToken) => store.GetAsync(datasetId, cancellationToken);
}

/// <summary>Datasets held in memory (from configuration, or tests). Thread-safe.</summary>
public sealed class InMemoryDatasetCatalog : IDatasetCatalog
{
    private readonly ConcurrentDictionary<string, DatasetRecord> _datasets = new(StringComparer.Ordinal);

    public InMemoryDatasetCatalog(params IEnumerable<DatasetRecord> datasets)
    {
        foreach (var d in datasets) Save(d);
    }

    public void Save(DatasetRecord dataset) => _datasets[dataset.Id] = dataset ?? throw new ArgumentNullException(nameof(dataset));

    public Task<DatasetRecord?> GetAsync(string datasetId, CancellationToken cancellationToken) =>
        Task.FromResult(_datasets.GetValueOrDefault(datasetId));
}
