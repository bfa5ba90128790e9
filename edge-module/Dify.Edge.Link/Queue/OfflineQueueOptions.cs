namespace Dify.Edge.Link.Queue;

/// <summary>Settings of the <see cref="OfflineQueue"/>.</summary>
public sealed class OfflineQueueOptions
{
    /// <summary>SQLite file holding the queue (WAL mode; "-wal" and "-shm" files sit beside it).</summary>
    public string DatabasePath { get; set; } = "offline-queue.db";

    /// <summary>Most events kept; past it the oldest are dropped (counted in <see cref="OfflineQueue.DroppedCount"/>).</summary>
    public long MaxEvents { get; set; } = 1_000_000;

    /// <summary>Most bytes kept (payload + encoded properties + source); past it the oldest are dropped.</summary>
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>Most writes (enqueues and acks) committed together in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 2048;

    /// <summary>
    /// True (default): each commit fsyncs the WAL (SQLite <c>synchronous=FULL</c>), so an acknowledged enqueue
    /// survives power loss. False: <c>synchronous=NORMAL</c>, which survives a killed process but may lose the
    /// last commits on power loss.
    /// </summary>
    public bool SyncEveryCommit { get; set; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(DatabasePath);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
    }
}
