using System.Globalization;
using Dify.Storage.Edge;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>
/// Device events in <c>edge.db</c>. Dedup is the table's UNIQUE (device, module, event id) with
/// <c>INSERT ... ON CONFLICT DO NOTHING</c>: one statement, so concurrent inserts of one key cannot both win.
/// Pages are keyset (received time, insertion order), so a page never shifts while new events arrive.
/// </summary>
public sealed class SqliteEdgeEventStore(SqliteDatabase db) : IEdgeEventStore
{
    private const string Columns = "device_id, module_id, event_id, status, source, template_version, run_status, message_id, created_at, enqueued_at, "
        + "received_at, properties, event, raw_body, error";

    public async Task<bool> TryInsertAsync(EdgeEventRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"""
            INSERT INTO edge_events ({Columns}) VALUES ($device, $module, $event_id, $status, $source, $version, $run_status, $message,
                $created, $enqueued, $received, $properties, $event, $raw, $error)
            ON CONFLICT (device_id, module_id, event_id) DO NOTHING
            """)
            .With("$device", record.DeviceId).With("$module", record.ModuleId).With("$event_id", record.EventId).With("$status", record.Status)
            .With("$source", record.Source).With("$version", record.TemplateVersion).With("$run_status", record.RunStatus).With("$message", record.MessageId)
            .With("$created", record.CreatedAt).With("$enqueued", record.EnqueuedAt).With("$received", record.ReceivedAt)
            .With("$properties", record.Properties).With("$event", record.Event).With("$raw", record.RawBody).With("$error", record.Error);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<EdgeEventRecord?> GetAsync(string deviceId, string moduleId, string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns}, seq FROM edge_events WHERE device_id = $d AND module_id = $m AND event_id = $e")
            .With("$d", deviceId).With("$m", moduleId).With("$e", eventId);
        return (await command.ReadAllAsync(r => Map(r).Record, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<EdgeEventPage> ListAsync(EdgeEventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        long? afterTime = null, afterSeq = null;
        if (query.Continuation is { } token)
        {
            var parts = EdgeEventCursor.Decode(token).Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t)
                || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
                throw new ArgumentException("The continuation token is not one this store issued.", nameof(query));
            (afterTime, afterSeq) = (t, s);
        }
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"""
            SELECT {Columns}, seq FROM edge_events
            WHERE ($device IS NULL OR device_id = $device) AND ($module IS NULL OR module_id = $module)
              AND ($t IS NULL OR received_at < $t OR (received_at = $t AND seq < $s))
            ORDER BY received_at DESC, seq DESC LIMIT $limit
            """)
            .With("$device", query.DeviceId).With("$module", query.ModuleId).With("$t", afterTime).With("$s", afterSeq).With("$limit", query.Limit + 1);
        var rows = await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false);
        var items = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit
            ? EdgeEventCursor.Encode(string.Create(CultureInfo.InvariantCulture, $"{items[^1].Record.ReceivedAt.ToUnixTimeMilliseconds()}:{items[^1].Seq}"))
            : null;
        return new EdgeEventPage(items.Select(r => r.Record).ToList(), next);
    }

    private static (EdgeEventRecord Record, long Seq) Map(SqliteDataReader r) => (new EdgeEventRecord(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.StringOrNull(4), r.StringOrNull(5), r.StringOrNull(6), r.StringOrNull(7),
        r.TimeOrNull(8), r.Time(9), r.Time(10), r.Object(11), r.ObjectOrNull(12), r.StringOrNull(13), r.StringOrNull(14)), r.GetInt64(15));
}
