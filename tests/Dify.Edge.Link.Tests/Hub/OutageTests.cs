using System.Diagnostics;
using System.Text;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Mqtt;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Dify.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests.Hub;

/// <summary>
/// The uplink drops (the broker stops) while the device keeps producing: nothing is lost, re-sent events carry
/// their original event id, and draining resumes within 2 s of the broker coming back.
/// </summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ResumeTarget = TimeSpan.FromSeconds(2);

    [Fact]
    public Task Short_outage_loses_nothing_and_draining_resumes_quickly() => RunOutageAsync(TimeSpan.FromSeconds(5));

    [Fact]
    [Trait("Category", "Long")]
    public Task Thirty_second_outage_loses_nothing_and_draining_resumes_quickly() => RunOutageAsync(TimeSpan.FromSeconds(30));

    private async Task RunOutageAsync(TimeSpan outage)
    {
        using var folder = new TempDirectory("hub-outage");
        await using var broker = await MosquittoBroker.StartAsync();
        await using var queue = await OfflineQueue.OpenAsync(new OfflineQueueOptions { DatabasePath = folder.Combine("queue.db") });
        await using var hub = await HubPeer.StartAsync(broker, "press-07", "dify-edge", new TestOutputLogger<MqttClient>(output), Timeout(30));
        var options = HubLinkOptions.FromConnectionString($"HostName=myhub.azure-devices.net;DeviceId=press-07;ModuleId=dify-edge;SharedAccessKey={SasTokenTests.Key}");
        options.GatewayHostName = broker.Host;
        options.Port = broker.Port;
        options.UseTls = false;
        await using var link = new HubLink(options, queue, new TestLoggerFactory(output));
        await link.StartAsync();
        await link.WaitUntilConnectedAsync(Timeout(30));

        // The device produces an event every 5 ms throughout.
        using var stopProducing = new CancellationTokenSource();
        var produced = new List<Guid>();
        var producer = Task.Run(async () =>
        {
            var n = 0;
            while (!stopProducing.IsCancellationRequested)
            {
                var e = EdgeEvent.Create("sensor", Encoding.UTF8.GetBytes($"{{\"n\":{n++}}}"));
                await queue.EnqueueAsync(e);
                lock (produced)
                {
                    produced.Add(e.EventId);
                }
                await Task.Delay(5);
            }
        });
        await WaitUntilAsync(() => link.DrainedCount >= 100, TimeSpan.FromSeconds(30));

        await broker.StopAsync();
        output.WriteLine($"broker stopped; drained so far {link.DrainedCount}");
        await Task.Delay(outage);
        var drainedBeforeRestart = link.DrainedCount;
        var backlog = queue.Count;
        output.WriteLine($"after {outage.TotalSeconds} s: {backlog} events waiting");
        Assert.True(backlog > 0, "events should pile up during the outage");
        Assert.False(link.IsConnected);

        await broker.StartAgainAsync();
        var sinceRestart = Stopwatch.StartNew();
        await WaitUntilAsync(() => link.DrainedCount > drainedBeforeRestart, TimeSpan.FromSeconds(30));
        var resumedAfter = sinceRestart.Elapsed;
        output.WriteLine($"draining resumed {resumedAfter.TotalMilliseconds:F0} ms after the broker restarted");
        Assert.True(resumedAfter < ResumeTarget, $"draining resumed after {resumedAfter}, target {ResumeTarget}");

        await stopProducing.CancelAsync();
        await producer;
        await WaitUntilAsync(() => queue.Count == 0, TimeSpan.FromSeconds(60));
        List<Guid> all;
        lock (produced)
        {
            all = [.. produced];
        }
        var expected = all.Select(id => id.ToString()).ToHashSet();
        await WaitUntilAsync(() => hub.Telemetry.Select(t => t.EventId).Distinct().Count() >= expected.Count, TimeSpan.FromSeconds(30));

        var received = hub.Telemetry.ToList();
        Assert.True(expected.SetEquals(received.Select(r => r.EventId)), "every produced event arrives, and nothing else");
        // Duplicates (a batch cut by the outage) carry the same event id and message id, and the same body.
        var duplicates = received.GroupBy(r => r.EventId).Where(g => g.Count() > 1).ToList();
        Assert.All(duplicates, g =>
        {
            Assert.Single(g.Select(r => r.Properties["$.mid"]).Distinct());
            Assert.Single(g.Select(r => r.Body).Distinct());
        });
        output.WriteLine($"produced {all.Count}, received {received.Count} messages ({duplicates.Count} duplicated ids), link connections {link.ConnectCount}");
        Assert.True(link.ConnectCount >= 2);
    }

    private static CancellationToken Timeout(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < limit, "timed out waiting");
            await Task.Delay(10);
        }
    }
}
