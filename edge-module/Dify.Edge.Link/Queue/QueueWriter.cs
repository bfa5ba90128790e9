using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Link.Queue;

/// <summary>
/// The queue's only writer. Group commit: every write that arrives while a commit is in progress joins the next
/// transaction, so one fsync makes a whole batch of concurrent enqueues durable.
/// </summary>
internal sealed class QueueWriter : IAsyncDisposable
{
    private const int EvictionChunk = 512;

    private readonly Channel<WriteRequest> _requests =
        Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly OfflineQueueOptions _options;
    private readonly QueueCounters _counters;
    private readonly ILogger _logger;
    private readonly Action _committed;
    private readonly EventInserter _inserter;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _oldest;
    private readonly SqliteCommand _deleteThrough;
    private readonly SqliteCommand _saveDropped;
    private readonly Task _loop;

    public QueueWriter(SqliteConnection connection, OfflineQueueOptions options, QueueCounters counters, ILogger logger, Action committed)
    {
        _connection = connection;
        _options = options;
        _counters = counters;
        _logger = logger;
        _committed = committed;
        _inserter = new EventInserter(connection);
        // One statement per ack request: the sequences travel as a JSON array.
        _delete = Prepare("DELETE FROM events WHERE seq IN (SELECT value FROM json_each($seqs)) RETURNING size", "$seqs");
        _oldest = Prepare($"SELECT seq, size FROM events ORDER BY seq LIMIT {EvictionChunk}");
        _deleteThrough = Prepare("DELETE FROM events WHERE seq <= $seq", "$seq");
        _saveDropped = Prepare("INSERT INTO queue_meta (key, value) VALUES ('dropped', $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", "$value");
        _loop = Task.Run(RunAsync);
    }

    public void Submit(WriteRequest request)
    {
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(OfflineQueue));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var command in new[] { _delete, _oldest, _deleteThrough, _saveDropped })
        {
            command.Dispose();
        }
        _inserter.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<WriteRequest>(_options.MaxBatchSize);
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && _requests.Reader.TryRead(out var request))
            {
                batch.Add(request);
            }
            try
            {
                Commit(batch);
            }
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
            {
                _logger.LogError(ex, "Offline queue commit of {Count} writes failed", batch.Count);
                foreach (var request in batch)
                {
                    request.Fail(ex);
                }
            }
        }
    }

    private void Commit(List<WriteRequest> batch)
    {
        var count = _counters.Count;
        var bytes = _counters.Bytes;
        var dropped = _counters.Dropped;
        var results = new long[batch.Count];
        using (var transaction = _connection.BeginTransaction())
        {
            foreach (var command in new[] { _delete, _oldest, _deleteThrough, _saveDropped })
            {
                command.Transaction = transaction;
            }
            // Enqueues first (in arrival order), then acks: they touch different rows, and the bounds are
            // checked after both, so the order between them changes nothing.
            var enqueues = new List<EnqueueRequest>(batch.Count);
            var enqueueIndexes = new List<int>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i] is EnqueueRequest enqueue)
                {
                    enqueues.Add(enqueue);
                    enqueueIndexes.Add(i);
                }
            }
            if (enqueues.Count > 0)
            {
                var sequences = new long[enqueues.Count];
                var (added, addedBytes) = _inserter.Insert(enqueues, sequences, transaction);
                count += added;
                bytes += addedBytes;
                for (var k = 0; k < sequences.Length; k++)
                {
                    results[enqueueIndexes[k]] = sequences[k];
                }
            }
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i] is AckRequest ack)
                {
                    var removed = 0;
                    _delete.Parameters[0].Value = "[" + string.Join(",", ack.Sequences.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
                    using (var reader = _delete.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            removed++;
                            count--;
                            bytes -= reader.GetInt64(0);
                        }
                    }
                    results[i] = removed;
                }
            }
            var evicted = Evict(ref count, ref bytes);
            if (evicted > 0)
            {
                dropped += evicted;
                _saveDropped.Parameters[0].Value = dropped;
                _saveDropped.ExecuteNonQuery();
                _logger.LogWarning("Offline queue full: dropped the {Evicted} oldest events ({Dropped} dropped in total)", evicted, dropped);
            }
            transaction.Commit();
        }
        _counters.Set(count, bytes, dropped);
        _counters.CountCommit();
        for (var i = 0; i < batch.Count; i++)
        {
            switch (batch[i])
            {
                case EnqueueRequest enqueue:
                    enqueue.Completion.TrySetResult(results[i]);
                    break;
                case AckRequest ack:
                    ack.Completion.TrySetResult((int)results[i]);
                    break;
            }
        }
        _committed();
    }

    /// <summary>Drop-oldest eviction: removes the lowest sequences until both bounds hold again.</summary>
    private long Evict(ref long count, ref long bytes)
    {
        long evicted = 0;
        while (count > _options.MaxEvents || bytes > _options.MaxBytes)
        {
            long last = -1;
            using (var reader = _oldest.ExecuteReader())
            {
                while ((count > _options.MaxEvents || bytes > _options.MaxBytes) && reader.Read())
                {
                    last = reader.GetInt64(0);
                    bytes -= reader.GetInt64(1);
                    count--;
                    evicted++;
                }
            }
            if (last < 0)
            {
                break; // counters disagree with the table; nothing left to drop
            }
            _deleteThrough.Parameters[0].Value = last;
            _deleteThrough.ExecuteNonQuery();
        }
        return evicted;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }
}
