using System.Text;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests.Queue;

/// <summary>The bound is enforced by dropping the oldest events, which are counted.</summary>
public sealed class EvictionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("edge-queue");

    public void Dispose() => _folder.Dispose();

    private Task<OfflineQueue> OpenAsync(long maxEvents, long maxBytes) =>
        OfflineQueue.OpenAsync(
            new OfflineQueueOptions { DatabasePath = _folder.Combine("queue.db"), MaxEvents = maxEvents, MaxBytes = maxBytes },
            new TestOutputLogger<OfflineQueue>(output));

    private static EdgeEvent Event(int n, int size = 10) =>
        EdgeEvent.Create("s", Encoding.UTF8.GetBytes(n.ToString("D" + size, System.Globalization.CultureInfo.InvariantCulture)));

    private static int Number(QueuedEvent e) => int.Parse(Encoding.UTF8.GetString(e.Event.Payload.Span), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Past_max_events_the_oldest_are_dropped_and_counted()
    {
        await using (var queue = await OpenAsync(maxEvents: 10, maxBytes: long.MaxValue))
        {
            for (var i = 0; i < 25; i++)
            {
                await queue.EnqueueAsync(Event(i));
            }
            Assert.Equal(10, queue.Count);
            Assert.Equal(15, queue.DroppedCount);
            Assert.Equal(Enumerable.Range(15, 10), (await queue.PeekBatchAsync(100)).Select(Number));
        }
        await using var reopened = await OpenAsync(maxEvents: 10, maxBytes: long.MaxValue);
        Assert.Equal(15, reopened.DroppedCount); // the metric is persisted
    }

    [Fact]
    public async Task Past_max_bytes_the_oldest_are_dropped_until_the_rest_fits()
    {
        // Each event: 10 payload bytes + 1 byte source = 11 bytes; 100 bytes hold 9 of them.
        await using var queue = await OpenAsync(maxEvents: long.MaxValue, maxBytes: 100);
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => queue.EnqueueAsync(Event(i))));

        Assert.Equal(9, queue.Count);
        Assert.Equal(99, queue.Bytes);
        Assert.Equal(21, queue.DroppedCount);
        var kept = (await queue.PeekBatchAsync(100)).Select(Number).ToList();
        Assert.Equal(kept.Order(), kept);
    }

    [Fact]
    public async Task An_event_larger_than_the_whole_queue_is_refused_without_dropping_anything()
    {
        await using var queue = await OpenAsync(maxEvents: 100, maxBytes: 100);
        await queue.EnqueueAsync(Event(1));

        await Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(Event(2, size: 200)));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.DroppedCount);
    }

    [Fact]
    public async Task Acked_events_free_room_so_nothing_is_dropped()
    {
        await using var queue = await OpenAsync(maxEvents: 5, maxBytes: long.MaxValue);
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                await queue.EnqueueAsync(Event(round * 5 + i));
            }
            await queue.AckAsync((await queue.PeekBatchAsync(5)).Select(e => e.Sequence));
        }
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.DroppedCount);
    }
}
