using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Dify.Durable.Storage;

/// <summary>
/// The only writer of the database. Batches queue on a channel; one loop drains everything queued so far
/// into a single transaction (group commit), so hundreds of concurrent orchestrations share commits.
/// One connection with prepared commands, reused for the life of the runtime.
/// </summary>
internal sealed class HistoryWriter : IAsyncDisposable
{
    private const int MaxBatchesPerCommit = 512;

    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly Channel<WriteBatch> _queue = Channel.CreateUnbounded<WriteBatch>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly PreparedCommands _sql;
    private readonly Task _loop;

    public HistoryWriter(string connectionString, ILogger logger)
    {
        _logger = logger;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Schema.Apply(_connection);
        _sql = new PreparedCommands(_connection);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues the batch; the returned task completes when it is committed.</summary>
    public Task SubmitAsync(WriteBatch batch)
    {
        if (!_queue.Writer.TryWrite(batch))
        {
            throw new ObjectDisposedException(nameof(HistoryWriter));
        }
        return batch.Completion;
    }

    private async Task RunAsync()
    {
        var group = new List<WriteBatch>(64);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxBatchesPerCommit && _queue.Reader.TryRead(out var batch))
            {
                group.Add(batch);
            }
            CommitGroup(group);
        }
    }

    private void CommitGroup(List<WriteBatch> group)
    {
        try
        {
            ExecuteInTransaction(group);
            foreach (var batch in group)
            {
                batch.Succeed();
            }
        }
        catch (Exception groupError)
        {
            // One bad batch must not fail its neighbours: retry each alone so only the culprit sees the error.
            if (group.Count == 1)
            {
                Log.WriteFailed(_logger, groupError);
                group[0].Fail(groupError);
                return;
            }
            foreach (var batch in group)
            {
                try
                {
                    ExecuteInTransaction([batch]);
                    batch.Succeed();
                }
                catch (Exception error)
                {
                    Log.WriteFailed(_logger, error);
                    batch.Fail(error);
                }
            }
        }
    }

    private void ExecuteInTransaction(List<WriteBatch> group)
    {
        _sql.Begin.ExecuteNonQuery();
        try
        {
            foreach (var batch in group)
            {
                foreach (var op in batch.Ops)
                {
                    _sql.Execute(op);
                }
            }
            _sql.Commit.ExecuteNonQuery();
        }
        catch
        {
            try
            {
                _sql.Rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // No transaction was open (BEGIN itself failed); nothing to undo.
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _sql.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
