using System.Text.Json.Nodes;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Conversations;
using Dify.Storage.Runs;

namespace Dify.Storage.AzureStores;

/// <summary>
/// The run index in table <c>runs</c>, three kinds of partition:
/// <c>a|{app}</c> holds the run records, row key newest-first time + id (listing and counting stay in one partition);
/// <c>i|{run}</c> points from a run id to its record; <c>unfinished</c> lists runs without an outcome.
/// Add writes pointer, unfinished marker, then the record; a pointer without a record reads as no run.
/// </summary>
public sealed class TableWorkflowRunIndex(AzureStoreAccount account) : IWorkflowRunIndex
{
    private const string UnfinishedPartition = "unfinished";
    private readonly TableStoreClient _tables = account.Tables;
    private readonly string _table = account.RunsTable;

    public async Task AddAsync(WorkflowRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var partition = AppPartition(run.AppId);
        var rowKey = TableKeys.NewestFirst(run.CreatedAt) + TableKeys.Separator + TableKeys.Escape(run.Id);
        await _tables.InsertAsync(_table, new TableEntity(IdPartition(run.Id), "") { { "Partition", partition }, { "Row", rowKey } }, cancellationToken).ConfigureAwait(false);
        if (run.FinishedAt is null)
        {
            await _tables.UpsertAsync(_table, new TableEntity(UnfinishedPartition, TableKeys.Escape(run.Id)) { { "Partition", partition }, { "Row", rowKey } }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        await _tables.InsertAsync(_table, RunRows.ToEntity(partition, rowKey, run), cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowRunRecord?> GetAsync(string appId, string runId, CancellationToken cancellationToken)
    {
        var row = await FindAsync(runId, cancellationToken).ConfigureAwait(false);
        return row is not null && row.PartitionKey == AppPartition(appId) ? RunRows.ToRecord(row) : null;
    }

    public async Task FinishAsync(string runId, WorkflowRunOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        for (var attempt = 0; ; attempt++)
        {
            var row = await FindAsync(runId, cancellationToken).ConfigureAwait(false);
            if (row is null) return;
            if (row.GetDateTimeOffset("FinishedAt") is null)
            {
                var record = RunRows.ToRecord(row) with
                {
                    Status = outcome.Status, Outputs = outcome.Outputs, Error = outcome.Error, ElapsedTime = outcome.ElapsedTime, TotalTokens = outcome.TotalTokens,
                    TotalSteps = outcome.TotalSteps, ExceptionsCount = outcome.ExceptionsCount, FinishedAt = outcome.FinishedAt,
                };
                try
                {
                    await _tables.UpdateAsync(_table, RunRows.ToEntity(row.PartitionKey, row.RowKey, record), row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageRequestException e) when (e.Status == 412 && attempt < 5)
                {
                    continue; // someone else wrote it first: read again (a recorded outcome wins)
                }
            }
            await _tables.DeleteIfExistsAsync(_table, UnfinishedPartition, TableKeys.Escape(runId), cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    public async Task<IReadOnlyList<WorkflowRunRecord>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        var markers = await _tables.ListAsync(_table, TableFilter.Equal("PartitionKey", UnfinishedPartition), cancellationToken).ConfigureAwait(false);
        var rows = await Task.WhenAll(markers.Select(m => _tables.GetAsync(_table, m.GetString("Partition")!, m.GetString("Row")!, cancellationToken: cancellationToken))).ConfigureAwait(false);
        return rows.Where(r => r is not null && r.GetDateTimeOffset("FinishedAt") is null).Select(r => RunRows.ToRecord(r!))
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<(Page<WorkflowRunRecord> Page, int Total)> ListAsync(string appId, WorkflowRunFilter filter, int page, int limit, CancellationToken cancellationToken)
    {
        var query = TableFilter.Equal("PartitionKey", AppPartition(appId));
        if (filter.Status is not null) query += " and " + TableFilter.Equal("Status", filter.Status);
        var skip = (long)(Math.Max(page, 1) - 1) * limit;
        if (filter == new WorkflowRunFilter(filter.Status))
        {
            // Keys only for the count; the page's records are then read by key.
            var keys = await _tables.ListAsync(_table, query, cancellationToken, ["RowKey", "Id", "CreatedAt"]).ConfigureAwait(false);
            var ordered = keys.OrderByDescending(k => k.GetDateTimeOffset("CreatedAt")).ThenByDescending(k => k.GetString("Id"), StringComparer.Ordinal).ToList();
            var slice = ordered.Skip((int)Math.Min(skip, int.MaxValue)).Take(limit).ToList();
            var rows = await Task.WhenAll(slice.Select(k => _tables.GetAsync(_table, AppPartition(appId), k.RowKey, cancellationToken: cancellationToken))).ConfigureAwait(false);
            var items = rows.Where(r => r is not null).Select(r => RunRows.ToRecord(r!)).ToList();
            return (new Page<WorkflowRunRecord>(items, skip + limit < ordered.Count), ordered.Count);
        }
        // Keyword, window and session filters look into the records: read the app's partition and filter in memory.
        var all = (await _tables.ListAsync(_table, query, cancellationToken).ConfigureAwait(false))
            .Select(RunRows.ToRecord).Where(filter.Matches)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList();
        var pageItems = all.Skip((int)Math.Min(skip, int.MaxValue)).Take(limit).ToList();
        return (new Page<WorkflowRunRecord>(pageItems, skip + limit < all.Count), all.Count);
    }

    private async Task<TableEntity?> FindAsync(string runId, CancellationToken cancellationToken)
    {
        var pointer = await _tables.GetAsync(_table, IdPartition(runId), "", cancellationToken: cancellationToken).ConfigureAwait(false);
        return pointer is null ? null : await _tables.GetAsync(_table, pointer.GetString("Partition")!, pointer.GetString("Row")!, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string AppPartition(string appId) => "a|" + TableKeys.Escape(appId);
    private static string IdPartition(string runId) => "i|" + TableKeys.Escape(runId);
}
