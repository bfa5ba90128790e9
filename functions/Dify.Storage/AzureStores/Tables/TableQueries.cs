using Dify.Storage.Azure.Tables;

namespace Dify.Storage.AzureStores.Tables;

internal static class TableQueries
{
    /// <summary>Up to <paramref name="count"/> entities in key order, following continuations (pages may come back short).</summary>
    public static async Task<List<TableEntity>> TakeAsync(this TableStoreClient client, string table, string filter, int count, CancellationToken cancellationToken)
    {
        var items = new List<TableEntity>(Math.Min(count, 1000));
        TableContinuation? continuation = null;
        do
        {
            var page = await client.QueryAsync(table, new TableQuery { Filter = filter, Top = Math.Clamp(count - items.Count, 1, 1000), Continuation = continuation }, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items.Take(count - items.Count));
            continuation = page.Continuation;
        }
        while (continuation is not null && items.Count < count);
        return items;
    }

    public static async Task<List<TableEntity>> ListAsync(this TableStoreClient client, string table, string filter, CancellationToken cancellationToken, IReadOnlyList<string>? select = null)
    {
        var items = new List<TableEntity>();
        await foreach (var entity in client.QueryAllAsync(table, filter, select, cancellationToken: cancellationToken).ConfigureAwait(false)) items.Add(entity);
        return items;
    }
}
