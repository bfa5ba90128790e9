using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Conversations;

namespace Dify.Storage.AzureStores;

/// <summary>End users in table <c>endusers</c>: partition = app, row = session id; first insert wins.</summary>
public sealed class TableEndUserStore(AzureStoreAccount account, TimeProvider time) : IEndUserStore
{
    private readonly TableStoreClient _tables = account.Tables;
    private readonly string _table = account.EndUsersTable;

    public async Task<EndUserRecord> GetOrCreateAsync(string appId, string sessionId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(appId, sessionId, cancellationToken).ConfigureAwait(false);
        if (found is not null) return found;
        var created = new EndUserRecord(Guid.NewGuid().ToString(), appId, sessionId, time.GetUtcNow());
        try
        {
            await _tables.InsertAsync(_table, new TableEntity(TableKeys.Escape(appId), TableKeys.Escape(sessionId))
            {
                { "Id", created.Id }, { "AppId", appId }, { "SessionId", sessionId }, { "CreatedAt", created.CreatedAt },
            }, cancellationToken).ConfigureAwait(false);
            return created;
        }
        catch (StorageRequestException e) when (e.Status == 409)
        {
            return (await FindAsync(appId, sessionId, cancellationToken).ConfigureAwait(false))!;
        }
    }

    public async Task<EndUserRecord?> FindAsync(string appId, string sessionId, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_table, TableKeys.Escape(appId), TableKeys.Escape(sessionId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : new EndUserRecord(row.GetString("Id")!, appId, sessionId, row.GetDateTimeOffset("CreatedAt")!.Value);
    }
}
