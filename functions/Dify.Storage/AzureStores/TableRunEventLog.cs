using System.Collections.Concurrent;
using System.Threading.Channels;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Runs;
using Microsoft.Extensions.Logging;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Run event log in table <c>runevents</c>, one partition per run: <c>e|{seq:D19}</c> event rows (sequence 1, 2, …),
/// <c>k|{key}</c> rows making appends idempotent by key, and a <c>meta</c> row with the last sequence number. Appends go
/// through a channel to one writer task that commits each run's events in entity group transactions that also advance
/// <c>meta</c> under its ETag, so several processes appending to one run still get gapless, unique sequence numbers
/// and a replayed key is never stored twice. Tails are woken at once by this process's writes and poll
/// (<see cref="AzureStoreOptions.EventPollInterval"/>) for other processes'. Event data over 32K chars goes to a blob.
/// </summary>
public sealed partial class TableRunEventLog : IRunEventLog, IAsyncDisposable
{
    private const int EventsPerTransaction = 49; // 2 rows each + meta ≤ 100 operations

    private sealed record Pending(string RunId, string Key, string Event, string Data, DateTimeOffset CreatedAt, TaskCompletionSource? Flushed);

    private readonly AzureStoreAccount _account;
    private readonly TableStoreClient _tables;
    private readonly string _table;
    private readonly ILogger<TableRunEventLog> _logger;
    private readonly RunEventWriter _writer;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly Task _loop;

    private TableRunEventLog(AzureStoreAccount account, ILogger<TableRunEventLog> logger)
    {
        _account = account;
        _tables = account.Tables;
        _table = account.RunEventsTable;
        _logger = logger;
        _writer = new RunEventWriter(account);
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Ensures the table and blob container exist and starts the writer.</summary>
    public static async Task<TableRunEventLog> OpenAsync(AzureStoreAccount account, ILogger<TableRunEventLog> logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await account.Tables.CreateTableIfNotExistsAsync(account.RunEventsTable, cancellationToken).ConfigureAwait(false);
        await account.Blobs.CreateContainerIfNotExistsAsync(account.Options.RunEventsContainer, cancellationToken).ConfigureAwait(false);
        return new TableRunEventLog(account, logger);
    }

    public void Append(string runId, string key, string eventName, string dataJson) =>
        _queue.Writer.TryWrite(new Pending(runId, key, eventName, dataJson, DateTimeOffset.UtcNow, null));

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending("", "", "", "", default, done))) return Task.CompletedTask;
        return done.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredRunEvent>> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Escape(runId);
        var filter = $"{TableFilter.Equal("PartitionKey", partition)} and RowKey gt {TableFilter.Literal(RunEventWriter.EventRow(Math.Max(afterSequence, 0)))} and RowKey lt 'e}}'";
        var rows = await _tables.TakeAsync(_table, filter, limit, cancellationToken).ConfigureAwait(false);
        var events = new List<StoredRunEvent>(rows.Count);
        foreach (var row in rows)
        {
            var data = row.GetString("DataBlob") is { } blob
                ? (await _account.Blobs.GetContentAsync(_account.Options.RunEventsContainer, blob, cancellationToken).ConfigureAwait(false)).ToString()
                : row.GetString("Data") ?? "";
            events.Add(new StoredRunEvent(row.GetInt64("Seq")!.Value, runId, row.GetString("Event")!, data, row.GetDateTimeOffset("CreatedAt")!.Value));
        }
        return events;
    }

    public async Task WaitForEventsAsync(string runId, long afterSequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Register before checking, so an event written in between still wakes us.
            var signal = _waiters.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if ((await ReadAsync(runId, afterSequence, 1, cancellationToken).ConfigureAwait(false)).Count > 0) return;
            await Task.WhenAny(signal.Task, Task.Delay(_account.Options.EventPollInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(256);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < 512 && reader.TryRead(out var p)) batch.Add(p);
                foreach (var run in batch.Where(p => p.Flushed is null).GroupBy(p => p.RunId, StringComparer.Ordinal))
                {
                    try
                    {
                        await _writer.WriteAsync(run.Key, run.Select(p => new RunEventWriter.NewEvent(p.Key, p.Event, p.Data, p.CreatedAt)).ToList(), Contention.MaxAttempts, EventsPerTransaction).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is StorageRequestException or InvalidOperationException)
                    {
                        LogWriteFailed(_logger, e, run.Count(), run.Key);
                    }
                    if (_waiters.TryRemove(run.Key, out var waiter)) waiter.TrySetResult();
                }
                foreach (var p in batch) p.Flushed?.TrySetResult();
                batch.Clear();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWriterStopped(_logger, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} events of run {RunId} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, string runId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The run event writer stopped")]
    private static partial void LogWriterStopped(ILogger logger, Exception exception);
}
