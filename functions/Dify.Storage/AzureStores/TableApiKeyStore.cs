using Dify.Storage.Apps;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;

namespace Dify.Storage.AzureStores;

/// <summary>
/// API keys in table <c>apikeys</c>: a row per hash (partition <c>h|{hash}</c>, so authenticating is one point read)
/// and a row per app and key (partition <c>a|{app}</c>, for listing). A key authenticates only while its hash row exists:
/// creation writes the app row first, deletion removes the hash row first.
/// </summary>
public sealed class TableApiKeyStore(AzureStoreAccount account) : IApiKeyStore
{
    private readonly TableStoreClient _tables = account.Tables;
    private readonly string _table = account.ApiKeysTable;

    public async Task CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await _tables.InsertAsync(_table, new TableEntity(AppPartition(key.AppId), TableKeys.Escape(key.Id))
        {
            { "Id", key.Id }, { "Type", key.Type }, { "TokenHash", key.TokenHash }, { "CreatedAt", key.CreatedAt },
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await _tables.InsertAsync(_table, new TableEntity(HashPartition(key.TokenHash), "")
            {
                { "Id", key.Id }, { "AppId", key.AppId }, { "Type", key.Type }, { "CreatedAt", key.CreatedAt },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _tables.DeleteIfExistsAsync(_table, AppPartition(key.AppId), TableKeys.Escape(key.Id), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<ApiKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_table, HashPartition(tokenHash), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : new ApiKeyRecord(row.GetString("Id")!, row.GetString("AppId")!, row.GetString("Type")!, tokenHash, row.GetDateTimeOffset("CreatedAt")!.Value);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string appId, CancellationToken cancellationToken)
    {
        var rows = await _tables.ListAsync(_table, TableFilter.Equal("PartitionKey", AppPartition(appId)), cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new ApiKeyRecord(r.GetString("Id")!, appId, r.GetString("Type")!, r.GetString("TokenHash")!, r.GetDateTimeOffset("CreatedAt")!.Value))
            .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> DeleteAsync(string appId, string keyId, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_table, AppPartition(appId), TableKeys.Escape(keyId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row is null) return false;
        await DeleteRowAsync(row, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes every key of the app (used when the app is deleted).</summary>
    public async Task DeleteAllAsync(string appId, CancellationToken cancellationToken)
    {
        var rows = await _tables.ListAsync(_table, TableFilter.Equal("PartitionKey", AppPartition(appId)), cancellationToken).ConfigureAwait(false);
        foreach (var row in rows) await DeleteRowAsync(row, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteRowAsync(TableEntity appRow, CancellationToken cancellationToken)
    {
        await _tables.DeleteIfExistsAsync(_table, HashPartition(appRow.GetString("TokenHash")!), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        await _tables.DeleteIfExistsAsync(_table, appRow.PartitionKey, appRow.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string AppPartition(string appId) => "a|" + TableKeys.Escape(appId);
    private static string HashPartition(string hash) => "h|" + TableKeys.Escape(hash);
}
