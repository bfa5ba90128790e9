using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Link.Queue;

/// <summary>
/// Durable FIFO of events waiting for the uplink, in one SQLite file (WAL).
/// <list type="bullet">
/// <item><see cref="EnqueueAsync"/> returns once the event is committed (fsynced by default); concurrent
/// enqueues share one commit (group commit).</item>
/// <item><see cref="PeekBatchAsync"/> returns the oldest events in sequence order (global FIFO, hence FIFO per source);
/// <see cref="AckAsync"/> removes them once the cloud has them.</item>
/// <item>Bounded by <see cref="OfflineQueueOptions.MaxEvents"/> and <see cref="OfflineQueueOptions.MaxBytes"/>.
/// Eviction policy: drop oldest. When a commit would exceed a bound, the oldest events are deleted in the same
/// transaction and counted in <see cref="DroppedCount"/> (persisted across restarts).</item>
/// <item>Event ids are unique: enqueueing an id already queued keeps the first copy and returns its sequence.</item>
/// </list>
/// </summary>
public sealed class OfflineQueue : IAsyncDisposable
{
    private readonly OfflineQueueOptions _options;
    private readonly SqliteConnection _writeConnection;
    private readonly SqliteConnection _readConnection;
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly QueueCounters _counters;
    private readonly QueueWriter _writer;
    private readonly AsyncSignal _enqueued = new();
    private int _disposed;

    private OfflineQueue(OfflineQueueOptions options, SqliteConnection write, SqliteConnection read, QueueCounters counters, ILogger logger)
    {
        _options = options;
        _writeConnection = write;
        _readConnection = read;
        _counters = counters;
        _writer = new QueueWriter(write, options, counters, logger, _enqueued.Set);
    }

    /// <summary>Events waiting (as of the last commit).</summary>
    public long Count => _counters.Count;

    /// <summary>Bytes waiting (payload + encoded properties + source).</summary>
    public long Bytes => _counters.Bytes;

    /// <summary>Events dropped by the drop-oldest policy since the database was created.</summary>
    public long DroppedCount => _counters.Dropped;

    /// <summary>Transactions committed since open (enqueues per commit = the group-commit factor).</summary>
    public long CommitCount => _counters.Commits;

    /// <summary>Opens (or creates) the queue database.</summary>
    public static Task<OfflineQueue> OpenAsync(OfflineQueueOptions options, ILogger<OfflineQueue>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var write = QueueSchema.Open(options);
        SqliteConnection? read = null;
        try
        {
            QueueSchema.Create(write);
            var counters = new QueueCounters();
            using (var command = write.CreateCommand())
            {
                command.CommandText = """
                    SELECT (SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(size), 0) FROM events),
                           (SELECT COALESCE(MAX(value), 0) FROM queue_meta WHERE key = 'dropped')
                    """;
                using var reader = command.ExecuteReader();
                reader.Read();
                counters.Set(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }
            read = QueueSchema.Open(options);
            var log = (ILogger?)logger ?? NullLogger.Instance;
            log.LogInformation("Offline queue {Path} opened with {Count} events ({Bytes} bytes)", options.DatabasePath, counters.Count, counters.Bytes);
            return Task.FromResult(new OfflineQueue(options, write, read, counters, log));
        }
        catch
        {
            read?.Dispose();
            write.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stores the event durably and returns its sequence. Cancelling stops the wait only: an enqueue already
    /// handed to the writer may still be committed (the cloud drops the duplicate if the caller retries).
    /// </summary>
    public Task<long> EnqueueAsync(EdgeEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentException.ThrowIfNullOrEmpty(@event.Source);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var properties = PropertiesCodec.Encode(@event.Properties);
        var size = @event.Payload.Length + (properties?.Length ?? 0) + Encoding.UTF8.GetByteCount(@event.Source);
        if (size > _options.MaxBytes)
        {
            throw new ArgumentException($"The event ({size} bytes) is larger than the queue's MaxBytes ({_options.MaxBytes}).", nameof(@event));
        }
        var request = new EnqueueRequest(@event, properties, size);
        _writer.Submit(request);
        return cancellationToken.CanBeCanceled ? request.Completion.Task.WaitAsync(cancellationToken) : request.Completion.Task;
    }

    /// <summary>The oldest events, at most <paramref name="max"/>, in sequence order; they stay queued until acked.</summary>
    public async Task<IReadOnlyList<QueuedEvent>> PeekBatchAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await _readGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            using var command = _readConnection.CreateCommand();
            command.CommandText = "SELECT seq, source, event_id, created_at, payload, properties FROM events ORDER BY seq LIMIT $max";
            command.Parameters.AddWithValue("$max", max);
            var result = new List<QueuedEvent>(Math.Min(max, 1024));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var properties = reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5);
                result.Add(new QueuedEvent(
                    reader.GetInt64(0),
                    new EdgeEvent(
                        reader.GetString(1),
                        new Guid((byte[])reader.GetValue(2), bigEndian: true),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                        (byte[])reader.GetValue(4),
                        PropertiesCodec.Decode(properties))));
            }
            return result;
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <summary>Removes delivered events (durably); returns how many were still queued.</summary>
    public Task<int> AckAsync(IEnumerable<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var list = sequences.ToArray();
        if (list.Length == 0)
        {
            return Task.FromResult(0);
        }
        var request = new AckRequest(list);
        _writer.Submit(request);
        return cancellationToken.CanBeCanceled ? request.Completion.Task.WaitAsync(cancellationToken) : request.Completion.Task;
    }

    /// <summary>Completes when the queue holds at least one event.</summary>
    public async Task WaitForEventsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = _enqueued.Next; // taken before the check, so an enqueue in between still wakes us
            if (_counters.Count > 0)
            {
                return;
            }
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs SQLite's <c>PRAGMA integrity_check</c>; "ok" when the file is sound.</summary>
    public async Task<string> CheckIntegrityAsync(CancellationToken cancellationToken = default)
    {
        await _readGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _readConnection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(0));
            }
            return string.Join("\n", lines);
        }
        finally
        {
            _readGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _readGate.WaitAsync().ConfigureAwait(false);
        _readConnection.Dispose();
        _writeConnection.Dispose();
        _readGate.Dispose();
    }
}
