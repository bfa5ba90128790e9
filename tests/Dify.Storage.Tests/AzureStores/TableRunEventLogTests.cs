using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Storage.Tests.AzureStores;

[Collection(AzuriteCollection.Name)]
public sealed class TableRunEventLogTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Appends_are_numbered_per_run_idempotent_by_key_and_read_after_a_sequence()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        await using var log = await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct);
        log.Append("r1", "k1", "workflow_started", "{\"a\":1}");
        log.Append("r1", "k2", "node_started", "{}");
        log.Append("r2", "k1", "workflow_started", "{}");
        log.Append("r1", "k1", "workflow_started", "{\"dup\":true}");
        await log.FlushAsync(Ct);
        log.Append("r1", "k2", "node_started", "{\"dup\":true}");
        log.Append("r1", "k3", "workflow_finished", "{}");
        await log.FlushAsync(Ct);

        var r1 = await log.ReadAsync("r1", 0, 100, Ct);
        Assert.Equal([(1L, "workflow_started", "{\"a\":1}"), (2, "node_started", "{}"), (3, "workflow_finished", "{}")], r1.Select(e => (e.Sequence, e.Event, e.DataJson)));
        Assert.All(r1, e => Assert.Equal("r1", e.RunId));
        Assert.Equal([3L], (await log.ReadAsync("r1", 2, 100, Ct)).Select(e => e.Sequence));
        Assert.Equal([2L], (await log.ReadAsync("r1", 1, 1, Ct)).Select(e => e.Sequence));
        Assert.Equal([1L], (await log.ReadAsync("r2", 0, 100, Ct)).Select(e => e.Sequence));
        Assert.Empty(await log.ReadAsync("nope", 0, 100, Ct));
    }

    [Fact]
    public async Task A_second_process_continues_the_sequence_and_skips_keys_it_did_not_write()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        await using var first = await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct);
        await using var second = await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct);
        for (var i = 0; i < 120; i++) first.Append("r", "a" + i, "e", "{}");
        await first.FlushAsync(Ct);
        second.Append("r", "a5", "e", "{\"replayed\":true}");
        second.Append("r", "b", "e", "{}");
        await second.FlushAsync(Ct);
        first.Append("r", "c", "e", "{}"); // first's cached ETag is stale now
        await first.FlushAsync(Ct);

        var all = await first.ReadAsync("r", 0, 1000, Ct);
        Assert.Equal(Enumerable.Range(1, 122).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(["b", "c"], all.Skip(120).Select(e => e.DataJson == "{}" ? (e.Sequence == 121 ? "b" : "c") : "?"));
        Assert.DoesNotContain(all, e => e.DataJson.Contains("replayed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Concurrent_appenders_get_gapless_unique_sequences()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var logs = new List<TableRunEventLog>();
        for (var i = 0; i < 3; i++) logs.Add(await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct));
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < logs.Count; i++) logs[i].Append("r", $"{i}-{round}", "e", $"\"{i}-{round}\"");
            await Task.WhenAll(logs.Select(l => l.FlushAsync(Ct)));
        }
        var all = await logs[0].ReadAsync("r", 0, 1000, Ct);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(15, all.Select(e => e.DataJson).Distinct().Count());
        foreach (var log in logs) await log.DisposeAsync();
    }

    [Fact]
    public async Task Large_event_data_round_trips_through_a_blob()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        await using var log = await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct);
        var big = "\"" + new string('x', 2_000_000) + "\"";
        log.Append("r", "big", "node_finished", big);
        log.Append("r", "small", "text_chunk", "{}");
        await log.FlushAsync(Ct);
        var events = await log.ReadAsync("r", 0, 10, Ct);
        Assert.Equal([big, "{}"], events.Select(e => e.DataJson));
    }

    [Fact]
    public async Task Waiting_returns_when_this_process_or_another_appends()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite, TimeSpan.FromMilliseconds(100));
        await using var log = await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct);
        await using var other = await TableRunEventLog.OpenAsync(account, NullLogger<TableRunEventLog>.Instance, Ct);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var waiting = log.WaitForEventsAsync("r", 0, timeout.Token);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        log.Append("r", "k1", "e", "{}");
        await waiting;

        var remote = log.WaitForEventsAsync("r", 1, timeout.Token);
        await Task.Delay(200);
        Assert.False(remote.IsCompleted);
        other.Append("r", "k2", "e", "{}"); // only polling can see this one
        await remote;
        await log.WaitForEventsAsync("r", 1, timeout.Token); // already there: at once

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.WaitForEventsAsync("r", 2, cancel.Token));
    }
}
