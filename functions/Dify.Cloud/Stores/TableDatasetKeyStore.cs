using Dify.Api.Datasets;
using Dify.Storage.Azure.Tables;
using Dify.Storage.Datasets;

namespace Dify.Cloud.Stores;

/// <summary>
/// Dataset API keys on Table storage (table <c>{prefix}datasetkeys</c>, one partition, row = the token's hash so that
/// authenticating a request is one point read). Only hashes are stored; the token is shown once, at creation.
/// </summary>
public sealed class TableDatasetKeyStore(CloudTables tables) : IDatasetKeyStore
{
    private const string Partition = "key";

    public async Task CreateAsync(DatasetKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var row = new TableEntity(Partition, CloudTables.Key(key.TokenHash)) { { "Id", key.Id }, { "CreatedAt", key.CreatedAt } };
        await tables.Client.InsertAsync(tables.DatasetKeys, row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DatasetKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.DatasetKeys, Partition, CloudTables.Key(tokenHash), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToKey(row, tokenHash);
    }

    public async Task<IReadOnlyList<DatasetKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<DatasetKeyRecord>();
        await foreach (var row in tables.Client.QueryAllAsync(tables.DatasetKeys, TableFilter.Equal("PartitionKey", Partition), cancellationToken: cancellationToken).ConfigureAwait(false))
            keys.Add(ToKey(row, row.RowKey));
        return keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> DeleteAsync(string keyId, CancellationToken cancellationToken)
    {
        // Keys are few (an operator makes them by hand): find the row by id in the one partition.
        foreach (var key in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (key.Id == keyId)
                return await tables.Client.DeleteIfExistsAsync(tables.DatasetKeys, Partition, CloudTables.Key(key.TokenHash), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return false;
    }

    private static DatasetKeyRecord ToKey(TableEntity row, string tokenHash) =>
        new(row.GetString("Id")!, tokenHash, row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch);
}
