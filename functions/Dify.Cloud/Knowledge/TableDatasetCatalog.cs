using System.Text.Json;
using Dify.Cloud.Stores;
using Dify.Knowledge.AzureSearch;
using Dify.Knowledge.Datasets;
using Dify.Storage.Azure.Tables;

namespace Dify.Cloud.Knowledge;

/// <summary>
/// Dataset settings shared by every instance (table <c>{prefix}datasets</c>, one row per dataset, the record as JSON):
/// the search index only holds chunks, and retrieval needs each dataset's name, embedding model and defaults.
/// </summary>
public sealed class TableDatasetCatalog(CloudTables tables) : IDatasetCatalog
{
    private const string Partition = "dataset";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DatasetRecord?> GetAsync(string datasetId, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.Datasets, Partition, CloudTables.Key(datasetId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row?.GetString("Json") is { } json ? JsonSerializer.Deserialize<DatasetRecord>(json, Json) : null;
    }

    public async Task SaveAsync(DatasetRecord dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var row = new TableEntity(Partition, CloudTables.Key(dataset.Id)) { { "Json", JsonSerializer.Serialize(dataset, Json) } };
        await tables.Client.UpsertAsync(tables.Datasets, row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
