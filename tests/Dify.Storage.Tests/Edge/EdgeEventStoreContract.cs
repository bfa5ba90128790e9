using System.Text.Json.Nodes;
using Dify.Storage.Edge;

namespace Dify.Storage.Tests.Edge;

/// <summary>What every <see cref="IEdgeEventStore"/> adapter must do; each adapter's test class runs these on the real thing.</summary>
public abstract class EdgeEventStoreContract
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    protected abstract Task<IEdgeEventStore> NewStoreAsync();

    protected static EdgeEventRecord Event(string device, string module, string id, int second, string? source = "defects") => new(
        device, module, id, EdgeEventStatus.Accepted, source, "1", "succeeded", "mid-" + id, T0.AddSeconds(second - 1), T0.AddSeconds(second), T0.AddSeconds(second),
        new JsonObject { ["event-source"] = source, ["template-version"] = "1" }, new JsonObject { ["event_id"] = id, ["outputs"] = new JsonObject { ["n"] = second } }, null, null);

    [Fact]
    public async Task An_event_is_stored_once_and_reads_back_whole()
    {
        var store = await NewStoreAsync();
        var original = Event("press-07", "dify", "e1", 1);
        Assert.True(await store.TryInsertAsync(original, Ct));
        Assert.False(await store.TryInsertAsync(original with { Source = "other", ReceivedAt = T0.AddSeconds(50) }, Ct));

        var read = await store.GetAsync("press-07", "dify", "e1", Ct);
        Assert.NotNull(read);
        Assert.Equal(("defects", "1", "succeeded", "mid-e1", T0, T0.AddSeconds(1), T0.AddSeconds(1)), (read.Source, read.TemplateVersion, read.RunStatus, read.MessageId, read.CreatedAt, read.EnqueuedAt, read.ReceivedAt));
        Assert.Equal(original.Properties.ToJsonString(), read.Properties.ToJsonString());
        Assert.Equal(original.Event!.ToJsonString(), read.Event!.ToJsonString());
        Assert.Single((await store.ListAsync(new EdgeEventQuery(), Ct)).Items);

        // Same event id from another module or device is another event.
        Assert.True(await store.TryInsertAsync(Event("press-07", "camera", "e1", 2), Ct));
        Assert.True(await store.TryInsertAsync(Event("press-08", "dify", "e1", 3), Ct));
        Assert.Null(await store.GetAsync("press-09", "dify", "e1", Ct));
    }

    [Fact]
    public async Task A_rejected_message_keeps_its_raw_body_and_reason()
    {
        var store = await NewStoreAsync();
        var raw = Convert.ToBase64String(new byte[] { 0xff, 0x00, 0x7b });
        var rejected = Event("press-07", "dify", "sha256:abc", 4) with { Status = EdgeEventStatus.Rejected, Event = null, RawBody = raw, Error = "body is not JSON", Source = null, CreatedAt = null };
        Assert.True(await store.TryInsertAsync(rejected, Ct));
        var read = (await store.GetAsync("press-07", "dify", "sha256:abc", Ct))!;
        Assert.Equal((EdgeEventStatus.Rejected, raw, "body is not JSON", (JsonObject?)null, (DateTimeOffset?)null), (read.Status, read.RawBody, read.Error, read.Event, read.CreatedAt));
    }

    [Fact]
    public async Task Concurrent_inserts_of_one_event_store_it_exactly_once()
    {
        var store = await NewStoreAsync();
        var record = Event("press-07", "dify", "race", 5);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => store.TryInsertAsync(record, Ct))));
        Assert.Equal(1, results.Count(inserted => inserted));
        Assert.Single((await store.ListAsync(new EdgeEventQuery(DeviceId: "press-07"), Ct)).Items);
        Assert.Single((await store.ListAsync(new EdgeEventQuery(), Ct)).Items);
    }

    [Fact]
    public async Task Listings_are_newest_first_filter_by_device_and_module_and_page_with_a_continuation()
    {
        var store = await NewStoreAsync();
        for (var i = 1; i <= 7; i++) Assert.True(await store.TryInsertAsync(Event(i % 2 == 0 ? "press-08" : "press-07", i % 3 == 0 ? "camera" : "dify", "e" + i, i), Ct));

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(new EdgeEventQuery(Limit: 3, Continuation: continuation), Ct);
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(e => e.EventId));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);
        Assert.Equal(["e7", "e6", "e5", "e4", "e3", "e2", "e1"], seen);
        Assert.Equal(3, pages);

        async Task<string[]> Ids(EdgeEventQuery q) => (await store.ListAsync(q, Ct)).Items.Select(e => e.EventId).ToArray();
        Assert.Equal(["e7", "e5", "e3", "e1"], await Ids(new EdgeEventQuery(DeviceId: "press-07")));
        Assert.Equal(["e6", "e3"], await Ids(new EdgeEventQuery(ModuleId: "camera")));
        Assert.Equal(["e3"], await Ids(new EdgeEventQuery(DeviceId: "press-07", ModuleId: "camera")));
        Assert.Empty(await Ids(new EdgeEventQuery(DeviceId: "nobody")));

        var first = await store.ListAsync(new EdgeEventQuery(DeviceId: "press-07", Limit: 2), Ct);
        var second = await store.ListAsync(new EdgeEventQuery(DeviceId: "press-07", Limit: 2, Continuation: first.Continuation), Ct);
        Assert.Equal(["e3", "e1"], second.Items.Select(e => e.EventId));
        Assert.Null(second.Continuation);

        // An event arriving between pages does not shift the next page.
        var page1 = await store.ListAsync(new EdgeEventQuery(Limit: 2), Ct);
        Assert.True(await store.TryInsertAsync(Event("press-07", "dify", "e8", 8), Ct));
        var page2 = await store.ListAsync(new EdgeEventQuery(Limit: 2, Continuation: page1.Continuation), Ct);
        Assert.Equal(["e5", "e4"], page2.Items.Select(e => e.EventId));
    }

    [Fact]
    public async Task A_continuation_the_store_did_not_issue_is_refused()
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(new EdgeEventQuery(Continuation: "%%%not-a-token"), Ct));
    }
}
