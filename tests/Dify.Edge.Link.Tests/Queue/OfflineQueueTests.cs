using System.Text;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests.Queue;

public sealed class OfflineQueueTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("edge-queue");

    public void Dispose() => _folder.Dispose();

    private Task<OfflineQueue> OpenAsync(Action<OfflineQueueOptions>? configure = null)
    {
        var options = new OfflineQueueOptions { DatabasePath = _folder.Combine("queue.db") };
        configure?.Invoke(options);
        return OfflineQueue.OpenAsync(options, new TestOutputLogger<OfflineQueue>(output));
    }

    private static EdgeEvent Event(string source, string body, IReadOnlyDictionary<string, string>? properties = null) =>
        EdgeEvent.Create(source, Encoding.UTF8.GetBytes(body), properties);

    [Fact]
    public async Task Peek_returns_events_in_enqueue_order_with_everything_stored()
    {
        await using var queue = await OpenAsync();
        var first = Event("camera-1", "{\"n\":1}", new Dictionary<string, string> { ["kind"] = "defect", ["line"] = "3 & 4" });
        var second = Event("camera-2", "{\"n\":2}");
        var third = Event("camera-1", "{\"n\":3}");
        foreach (var e in new[] { first, second, third })
        {
            await queue.EnqueueAsync(e);
        }

        var batch = await queue.PeekBatchAsync(10);

        Assert.Equal([first.EventId, second.EventId, third.EventId], batch.Select(b => b.Event.EventId));
        Assert.True(batch[0].Sequence < batch[1].Sequence && batch[1].Sequence < batch[2].Sequence);
        var stored = batch[0].Event;
        Assert.Equal("camera-1", stored.Source);
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(stored.Payload.Span));
        Assert.Equal(first.CreatedAt.ToUnixTimeMilliseconds(), stored.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Equal("3 & 4", stored.Properties["line"]);
        Assert.Equal("defect", stored.Properties["kind"]);
        Assert.Empty(batch[1].Event.Properties);
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public async Task Ack_removes_events_and_peek_moves_on()
    {
        await using var queue = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Event("s", $"{i}"));
        }
        var firstTwo = await queue.PeekBatchAsync(2);

        Assert.Equal(2, await queue.AckAsync(firstTwo.Select(e => e.Sequence)));
        Assert.Equal(0, await queue.AckAsync(firstTwo.Select(e => e.Sequence))); // already gone

        var rest = await queue.PeekBatchAsync(10);
        Assert.Equal(["2", "3", "4"], rest.Select(e => Encoding.UTF8.GetString(e.Event.Payload.Span)));
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public async Task Events_survive_reopening_and_sequences_are_never_reused()
    {
        long lastBefore;
        await using (var queue = await OpenAsync())
        {
            await queue.EnqueueAsync(Event("s", "a"));
            lastBefore = await queue.EnqueueAsync(Event("s", "b"));
            await queue.AckAsync([lastBefore]);
        }
        await using (var reopened = await OpenAsync())
        {
            Assert.Equal(1, reopened.Count);
            var next = await reopened.EnqueueAsync(Event("s", "c"));
            Assert.True(next > lastBefore, $"sequence {next} reused (last was {lastBefore})");
            Assert.Equal(["a", "c"], (await reopened.PeekBatchAsync(10)).Select(e => Encoding.UTF8.GetString(e.Event.Payload.Span)));
            Assert.Equal("ok", await reopened.CheckIntegrityAsync());
        }
    }

    [Fact]
    public async Task Enqueueing_the_same_event_id_twice_keeps_one_copy()
    {
        await using var queue = await OpenAsync();
        var e = Event("s", "once");
        var first = await queue.EnqueueAsync(e);
        var again = await queue.EnqueueAsync(e);

        Assert.Equal(first, again);
        Assert.Equal(1, queue.Count);
        Assert.Single(await queue.PeekBatchAsync(10));
    }

    [Fact]
    public async Task Concurrent_enqueues_are_committed_together_and_all_durable()
    {
        const int producers = 16;
        const int perProducer = 500;
        await using (var queue = await OpenAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
            {
                for (var i = 0; i < perProducer; i++)
                {
                    await queue.EnqueueAsync(Event($"p{p}", $"{i}"));
                }
            })));
            Assert.Equal(producers * perProducer, queue.Count);
        }
        // Read back with a plain connection: everything is in the file, and each producer's events are in order.
        await using var reopened = await OpenAsync();
        var all = await reopened.PeekBatchAsync(producers * perProducer + 1);
        Assert.Equal(producers * perProducer, all.Count);
        foreach (var group in all.GroupBy(e => e.Event.Source))
        {
            Assert.Equal(Enumerable.Range(0, perProducer).Select(i => $"{i}"), group.Select(e => Encoding.UTF8.GetString(e.Event.Payload.Span)));
        }
        using var connection = new SqliteConnection($"Data Source={_folder.Combine("queue.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task WaitForEvents_wakes_on_the_first_enqueue()
    {
        await using var queue = await OpenAsync();
        var waiting = queue.WaitForEventsAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        await queue.EnqueueAsync(Event("s", "x"));

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
