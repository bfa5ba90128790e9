using System.Text.Json.Nodes;
using Dify.Cloud.Stores;
using Dify.Knowledge.Datasets;
using Dify.Storage.Azure.Tables;

namespace Dify.Cloud.Knowledge;

/// <summary>
/// The Dataset API's JSON attributes (permission, batch, position, data source, the document's blob name...) on Table
/// storage: table <c>{prefix}kbattributes</c>, partition = dataset, row <c>dataset</c> for the dataset and
/// <c>doc:{id}</c> per document, so a dataset's attributes are one partition query and go with it. The workspace's own
/// attributes (dataset id <c>""</c>: the knowledge tag list) live in partition <c>~workspace</c>, which no dataset id
/// (a GUID) can be.
/// </summary>
public sealed class TableKnowledgeAttributes(CloudTables tables) : IKnowledgeAttributeStore
{
    private const string DatasetRow = "dataset";
    private const string DocumentPrefix = "doc:";
    private const string WorkspacePartition = "~workspace";

    public async Task<JsonObject?> GetAsync(string datasetId, string? documentId, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.KnowledgeAttributes, Partition(datasetId), Row(documentId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row?.GetString("Json") is { } json ? JsonNode.Parse(json) as JsonObject : null;
    }

    public async Task SetAsync(string datasetId, string? documentId, JsonObject attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var json = attributes.ToJsonString();
        if (json.Length > TableKnowledgeCatalog.MaxJsonChars)
            throw new ArgumentException($"The attributes of {datasetId}/{documentId ?? "(dataset)"} are {json.Length} characters; the Table catalog stores at most {TableKnowledgeCatalog.MaxJsonChars}.");
        var row = new TableEntity(Partition(datasetId), Row(documentId)) { { "Json", json } };
        if (documentId is not null) row["DocumentId"] = documentId;
        await tables.Client.UpsertAsync(tables.KnowledgeAttributes, row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every document's attributes in the dataset, by document id.</summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        await foreach (var row in tables.Client.QueryAllAsync(tables.KnowledgeAttributes, TableFilter.Equal("PartitionKey", Partition(datasetId)), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.GetString("DocumentId") is { } id && row.GetString("Json") is { } json && JsonNode.Parse(json) is JsonObject o) result[id] = o;
        }
        return result;
    }

    public Task<bool> DeleteAsync(string datasetId, string? documentId, CancellationToken cancellationToken) =>
        tables.Client.DeleteIfExistsAsync(tables.KnowledgeAttributes, Partition(datasetId), Row(documentId), cancellationToken: cancellationToken);

    /// <summary>Removes the dataset's attributes and every document's.</summary>
    public async Task DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        var rows = new List<string>();
        await foreach (var row in tables.Client.QueryAllAsync(tables.KnowledgeAttributes, TableFilter.Equal("PartitionKey", Partition(datasetId)), cancellationToken: cancellationToken).ConfigureAwait(false))
            rows.Add(row.RowKey);
        foreach (var rowKey in rows)
            await tables.Client.DeleteIfExistsAsync(tables.KnowledgeAttributes, Partition(datasetId), rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string Partition(string datasetId) => datasetId.Length == 0 ? WorkspacePartition : CloudTables.Key(datasetId);

    private static string Row(string? documentId) => documentId is null ? DatasetRow : DocumentPrefix + CloudTables.Key(documentId);
}
