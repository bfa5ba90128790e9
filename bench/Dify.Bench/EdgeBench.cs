using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Dify.Testing.Mosquitto;

namespace Dify.Bench;

/// <summary>
/// Edge link figures: durable enqueue rate (fsync per group commit) with N concurrent producers, drain rate
/// to a local mosquitto (QoS 1, ack after PUBACK), recovery after an uplink outage (broker stopped, then
/// restarted: time from restart to the first drained event), and the RSS of a minimal link + queue process.
/// </summary>
internal static class EdgeBench
{
    private const string ChildFlag = "--rss-child";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"camera\":\"line-3\",\"defect\":\"scratch\",\"score\":0.93,\"box\":[12,40,88,120]," + new string(' ', 160) + "}");

    public static async Task RunAsync(string[] args)
    {
        if (args.Length >= 3 && args[0] == ChildFlag)
        {
            await RssChildAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
            return;
        }
        var quick = args.Contains("--quick");
        using var dir = new TempDirectory("dify-edge-bench");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; queue on {dir.Path}; payload {Payload.Length} B");

        var total = quick ? 20_000 : 100_000;
        foreach (var producers in quick ? new[] { 1, 64 } : new[] { 1, 8, 64, 256 })
        {
            var (rate, perCommit) = await EnqueueRateAsync(dir.Combine($"enqueue-{producers}.db"), producers, producers == 1 ? Math.Min(total, 5_000) : total);
            Console.WriteLine($"durable enqueue:  {rate,9:N0} events/s  ({producers} producers, fsync per commit, {perCommit:F1} events/commit)");
        }
        var (unsynced, _) = await EnqueueRateAsync(dir.Combine("enqueue-normal.db"), 64, total, sync: false);
        Console.WriteLine($"enqueue without fsync (synchronous=NORMAL: survives kill -9, not power loss): {unsynced:N0} events/s (64 producers)");

        await using var broker = await MosquittoBroker.StartAsync();
        var drain = await DrainRateAsync(dir.Combine("drain.db"), broker, quick ? 20_000 : 100_000);
        Console.WriteLine($"drain to mosquitto: {drain:N0} events/s (QoS 1, acked after PUBACK)");

        var outage = TimeSpan.FromSeconds(quick ? 5 : 30);
        var recovery = await RecoveryAsync(dir.Combine("outage.db"), broker, outage);
        Console.WriteLine($"recovery after a {outage.TotalSeconds:F0} s outage: first drained event {recovery.Resume.TotalMilliseconds:F0} ms after the broker restart; backlog of {recovery.Backlog:N0} drained in {recovery.Catchup.TotalSeconds:F1} s");

        var rss = await MeasureChildRssAsync(broker.Port, dir.Combine("rss.db"));
        Console.WriteLine($"minimal link + queue process: {rss}");
    }

    private static OfflineQueueOptions QueueOptions(string path, bool sync = true) => new() { DatabasePath = path, SyncEveryCommit = sync };

    private static HubLinkOptions LinkOptions(int port)
    {
        var options = HubLinkOptions.FromConnectionString(
            "HostName=bench.azure-devices.net;DeviceId=bench-device;ModuleId=dify-edge;SharedAccessKey=" + Convert.ToBase64String(new byte[32]));
        options.GatewayHostName = "127.0.0.1";
        options.Port = port;
        options.UseTls = false;
        return options;
    }

    private static EdgeEvent NewEvent(string source) =>
        EdgeEvent.Create(source, Payload, new Dictionary<string, string> { ["template"] = "defects-v2", ["line"] = "3" });

    private static async Task<(double PerSecond, double PerCommit)> EnqueueRateAsync(string path, int producers, int total, bool sync = true)
    {
        await using var queue = await OfflineQueue.OpenAsync(QueueOptions(path, sync));
        var perProducer = total / producers;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var source = $"producer-{p}";
            for (var i = 0; i < perProducer; i++)
            {
                await queue.EnqueueAsync(NewEvent(source));
            }
        })));
        return (perProducer * producers / watch.Elapsed.TotalSeconds, (double)perProducer * producers / Math.Max(1, queue.CommitCount));
    }

    private static async Task<double> DrainRateAsync(string path, MosquittoBroker broker, int total)
    {
        await using var queue = await OfflineQueue.OpenAsync(QueueOptions(path));
        await Task.WhenAll(Enumerable.Range(0, 64).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < total / 64; i++)
            {
                await queue.EnqueueAsync(NewEvent($"p{p}"));
            }
        })));
        var backlog = queue.Count;
        await using var link = new HubLink(LinkOptions(broker.Port), queue);
        var watch = Stopwatch.StartNew();
        await link.StartAsync();
        while (queue.Count > 0)
        {
            await Task.Delay(5);
        }
        return backlog / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(TimeSpan Resume, long Backlog, TimeSpan Catchup)> RecoveryAsync(string path, MosquittoBroker broker, TimeSpan outage)
    {
        await using var queue = await OfflineQueue.OpenAsync(QueueOptions(path));
        await using var link = new HubLink(LinkOptions(broker.Port), queue);
        await link.StartAsync();
        await link.WaitUntilConnectedAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await queue.EnqueueAsync(NewEvent("sensor"));
                await Task.Delay(2);
            }
        });
        while (link.DrainedCount < 200)
        {
            await Task.Delay(5);
        }
        await broker.StopAsync();
        await Task.Delay(outage);
        var drained = link.DrainedCount;
        var backlog = queue.Count;
        await broker.StartAgainAsync();
        var watch = Stopwatch.StartNew();
        while (link.DrainedCount == drained)
        {
            await Task.Delay(1);
        }
        var resume = watch.Elapsed;
        await stop.CancelAsync();
        await producer;
        while (queue.Count > 0)
        {
            await Task.Delay(5);
        }
        return (resume, backlog, watch.Elapsed);
    }

    private static async Task<string> MeasureChildRssAsync(int port, string path)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        var entry = typeof(EdgeBench).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(info.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(entry);
        }
        foreach (var argument in new[] { "edge", ChildFlag, port.ToString(CultureInfo.InvariantCulture), path })
        {
            info.ArgumentList.Add(argument);
        }
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the RSS child");
        var text = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return text.Trim();
    }

    // The child: a queue + a connected link that has drained 1,000 events, then idles; prints its RSS.
    private static async Task RssChildAsync(int port, string path)
    {
        await using var queue = await OfflineQueue.OpenAsync(QueueOptions(path));
        for (var i = 0; i < 1000; i++)
        {
            await queue.EnqueueAsync(NewEvent("sensor"));
        }
        var options = LinkOptions(port);
        await using var link = new HubLink(options, queue);
        await link.StartAsync();
        while (queue.Count > 0)
        {
            await Task.Delay(5);
        }
        await Task.Delay(1000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await Task.Delay(1000);
        var status = await File.ReadAllLinesAsync("/proc/self/status");
        string Field(string name) => status.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim() ?? "?";
        Console.WriteLine($"VmRSS {Field("VmRSS:")} (peak {Field("VmHWM:")}), managed heap {GC.GetTotalMemory(false) / 1024} kB, connected {link.IsConnected}, drained {link.DrainedCount}");
    }
}
