using System.Collections.Concurrent;
using System.Threading.Channels;
using Dify.Storage.Runs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Dify.Storage.Sqlite;

/// <summary>
/// Run event log in SQLite. Appends go through a channel to one writer task that commits them in
/// batches (one transaction per batch), so the orchestrator never waits on disk; readers are woken
/// per run when new events land.
/// </summary>
public sealed class SqliteRunEventLog : IRunEventLog, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS run_events (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id     TEXT NOT NULL,
            key        TEXT NOT NULL,
            event      TEXT NOT NULL,
            data       TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (run_id, key)
        );
        CREATE INDEX IF NOT EXISTS ix_run_events_run ON run_events (run_id, seq);
        """;

    private sealed record Pending(string RunId, string Key, string Event, string Data, long CreatedAt, TaskCompletionSource? Flushed);

    private readonly SqliteDatabase _db;
    private readonly ILogger<SqliteRunEventLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly Task _writer;

    private SqliteRunEventLog(SqliteDatabase db, ILogger<SqliteRunEventLog> logger)
    {
        _db = db;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public static async Task<SqliteRunEventLog> OpenAsync(SqliteDatabase db, ILogger<SqliteRunEventLog> logger, CancellationToken cancellationToken)
    {
        await db.ExecuteAsync(Schema, cancellationToken).ConfigureAwait(false);
        return new SqliteRunEventLog(db, logger);
    }

    public void Append(string runId, string key, string eventName, string dataJson) =>
        _queue.Writer.TryWrite(new Pending(runId, key, eventName, dataJson, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null));

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending("", "", "", "", 0, done))) return Task.CompletedTask;
        return done.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredRunEvent>> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, event, data, created_at FROM run_events WHERE run_id = $run AND seq > $after ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$run", runId);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        var list = new List<StoredRunEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new StoredRunEvent(reader.GetInt64(0), runId, reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        return list;
    }

    public async Task WaitForEventsAsync(string runId, long afterSequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Register before checking, so an event landing in between still wakes us.
            var signal = _waiters.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if ((await ReadAsync(runId, afterSequence, 1, cancellationToken).ConfigureAwait(false)).Count > 0) return;
            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(256);
        var reader = _queue.Reader;
        try
        {
            await using var connection = await _db.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < 512 && reader.TryRead(out var p)) batch.Add(p);
                try
                {
                    await WriteBatchAsync(connection, batch).ConfigureAwait(false);
                }
                catch (SqliteException ex)
                {
                    _logger.LogError(ex, "Writing {Count} run events failed", batch.Count);
                }
                foreach (var p in batch)
                {
                    p.Flushed?.TrySetResult();
                    if (p.Flushed is null && _waiters.TryRemove(p.RunId, out var w)) w.TrySetResult();
                }
                batch.Clear();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogCritical(ex, "The run event writer stopped");
        }
    }

    private static async Task WriteBatchAsync(SqliteConnection connection, List<Pending> batch)
    {
        var events = batch.Where(p => p.Flushed is null).ToList();
        if (events.Count == 0) return;
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT OR IGNORE INTO run_events (run_id, key, event, data, created_at) VALUES ($run, $key, $event, $data, $at)";
        var run = command.Parameters.Add("$run", SqliteType.Text);
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var evt = command.Parameters.Add("$event", SqliteType.Text);
        var data = command.Parameters.Add("$data", SqliteType.Text);
        var at = command.Parameters.Add("$at", SqliteType.Integer);
        foreach (var p in events)
        {
            run.Value = p.RunId;
            key.Value = p.Key;
            evt.Value = p.Event;
            data.Value = p.Data;
            at.Value = p.CreatedAt;
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        await tx.CommitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }
}
