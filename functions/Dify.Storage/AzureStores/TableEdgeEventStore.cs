using System.Text.Json.Nodes;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Edge;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Device events in table <c>{prefix}edgeevents</c>, three rows per event:
/// <c>e|{device}|{module}</c> / <c>{event id}</c> is the record and the dedup key (a second insert gets 409);
/// <c>d|{device}</c> and <c>all</c> hold a copy under a newest-first row key (time, module, event id) for listings.
/// The listing copies are written after the record; a crash in between is healed by the redelivery, which finds the
/// record and writes them again (same keys, idempotent). One <c>all</c> partition bounds the store near the Table
/// service's per-partition rate (about 2,000 entities/s), far above what one hub's fleet sends here.
/// </summary>
public sealed class TableEdgeEventStore(AzureStoreAccount account) : IEdgeEventStore
{
    private const string AllPartition = "all";
    private readonly TableStoreClient _tables = account.Tables;

    public string TableName { get; } = account.Options.TablePrefix + "edgeevents";

    /// <summary>Creates the table (idempotent; run once at startup beside <see cref="AzureStoreAccount.EnsureCreatedAsync"/>).</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _tables.CreateTableIfNotExistsAsync(TableName, cancellationToken);

    public async Task<bool> TryInsertAsync(EdgeEventRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var stored = record;
        var inserted = true;
        try
        {
            await _tables.InsertAsync(TableName, ToEntity(RecordPartition(record.DeviceId, record.ModuleId), TableKeys.Escape(record.EventId), record), cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e) when (e.Status == 409)
        {
            inserted = false;
            stored = await GetAsync(record.DeviceId, record.ModuleId, record.EventId, cancellationToken).ConfigureAwait(false) ?? record;
        }
        var listingKey = ListingKey(stored);
        await _tables.UpsertAsync(TableName, ToEntity(DevicePartition(stored.DeviceId), listingKey, stored), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        await _tables.UpsertAsync(TableName, ToEntity(AllPartition, listingKey, stored), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    public async Task<EdgeEventRecord?> GetAsync(string deviceId, string moduleId, string eventId, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(TableName, RecordPartition(deviceId, moduleId), TableKeys.Escape(eventId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async Task<EdgeEventPage> ListAsync(EdgeEventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var partition = query.DeviceId is null ? AllPartition : DevicePartition(query.DeviceId);
        var filter = TableFilter.Equal("PartitionKey", partition);
        if (query.Continuation is { } token) filter += " and RowKey gt " + TableFilter.Literal(EdgeEventCursor.Decode(token));
        if (query.ModuleId is not null) filter += " and " + TableFilter.Equal("ModuleId", query.ModuleId);
        var rows = await _tables.TakeAsync(TableName, filter, query.Limit + 1, cancellationToken).ConfigureAwait(false);
        var items = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit ? EdgeEventCursor.Encode(items[^1].RowKey) : null;
        return new EdgeEventPage(items.Select(ToRecord).ToList(), next);
    }

    private static string RecordPartition(string deviceId, string moduleId) => "e|" + TableKeys.Join(deviceId, moduleId);

    private static string DevicePartition(string deviceId) => "d|" + TableKeys.Escape(deviceId);

    private static string ListingKey(EdgeEventRecord r) => TableKeys.NewestFirst(r.ReceivedAt) + TableKeys.Separator + TableKeys.Join(r.DeviceId, r.ModuleId, r.EventId);

    private static TableEntity ToEntity(string partition, string rowKey, EdgeEventRecord r)
    {
        var row = new TableEntity(partition, rowKey)
        {
            { "DeviceId", r.DeviceId }, { "ModuleId", r.ModuleId }, { "EventId", r.EventId }, { "Status", r.Status },
            { "EnqueuedAt", r.EnqueuedAt }, { "ReceivedAt", r.ReceivedAt },
        };
        row["Source"] = r.Source;
        row["TemplateVersion"] = r.TemplateVersion;
        row["RunStatus"] = r.RunStatus;
        row["MessageId"] = r.MessageId;
        row["CreatedAt"] = r.CreatedAt;
        LargeText.Set(row, "Properties", r.Properties.ToJsonString());
        LargeText.Set(row, "Event", r.Event?.ToJsonString());
        LargeText.Set(row, "RawBody", r.RawBody);
        LargeText.Set(row, "Error", r.Error);
        return row;
    }

    private static EdgeEventRecord ToRecord(TableEntity r) => new(
        r.GetString("DeviceId")!, r.GetString("ModuleId")!, r.GetString("EventId")!, r.GetString("Status")!, r.GetString("Source"), r.GetString("TemplateVersion"),
        r.GetString("RunStatus"), r.GetString("MessageId"), r.GetDateTimeOffset("CreatedAt"), r.GetDateTimeOffset("EnqueuedAt")!.Value, r.GetDateTimeOffset("ReceivedAt")!.Value,
        JsonNode.Parse(LargeText.Get(r, "Properties") ?? "{}") as JsonObject ?? new JsonObject(),
        LargeText.Get(r, "Event") is { } e ? JsonNode.Parse(e) as JsonObject : null, LargeText.Get(r, "RawBody"), LargeText.Get(r, "Error"));
}
