namespace Dify.Edge.Link.Queue;

/// <summary>Size of the queue as of the last commit; written by the writer only, read by anyone.</summary>
internal sealed class QueueCounters
{
    private long _count;
    private long _bytes;
    private long _dropped;
    private long _commits;

    public long Count => Volatile.Read(ref _count);
    public long Bytes => Volatile.Read(ref _bytes);
    public long Dropped => Volatile.Read(ref _dropped);
    public long Commits => Volatile.Read(ref _commits);

    public void Set(long count, long bytes, long dropped)
    {
        Volatile.Write(ref _count, count);
        Volatile.Write(ref _bytes, bytes);
        Volatile.Write(ref _dropped, dropped);
    }

    public void CountCommit() => Interlocked.Increment(ref _commits);
}
