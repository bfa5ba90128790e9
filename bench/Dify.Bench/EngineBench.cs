using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Host.Composition;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Bench;

/// <summary>
/// Engine figures on the embedded default (SQLite durable history + event log on local disk):
/// per-node overhead for inline and activity nodes, runs/s of a 10-node workflow, and warm
/// code / template node latency. The model is a local OpenAI-compatible server answering at once.
/// </summary>
internal static class EngineBench
{
    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        await using var server = await OpenAiCompatibleServer.StartAsync(CancellationToken.None);
        server.RecordRequests = false;
        server.Responder = _ => ChatReply.FromText("ok");
        using var dir = new TempDirectory("dify-bench");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(server.ModelsConfiguration()).Build();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
        await using var engine = await LocalEngine.StartAsync(dir.Path, configuration, loggers, CancellationToken.None);

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; data on {dir.Path}");
        var runs = quick ? 20 : 100;

        var inline1 = await PerRunAsync(engine, Workflows.Chain(1, Workflows.Aggregator), runs);
        var inline50 = await PerRunAsync(engine, Workflows.Chain(50, Workflows.Aggregator), runs);
        Console.WriteLine($"inline node overhead:   {(inline50 - inline1) / 49 * 1000:F1} us/node  (50-node chain {inline50:F2} ms/run, 1-node {inline1:F2} ms/run)");

        var act1 = await PerRunAsync(engine, Workflows.Chain(1, Workflows.Llm), runs / 2);
        var act50 = await PerRunAsync(engine, Workflows.Chain(50, Workflows.Llm), runs / 2);
        var perNode = (act50 - act1) / 49;
        var modelCall = await ModelCallAsync(configuration, runs * 5);
        Console.WriteLine($"activity node:          {perNode * 1000:F1} us/node  (llm nodes; 50-node chain {act50:F2} ms/run)");
        Console.WriteLine($"  of which model call:  {modelCall * 1000:F1} us (OpenAI SDK + HTTP to the local server, measured alone)");
        Console.WriteLine($"  engine overhead:      {(perNode - modelCall) * 1000:F1} us/node (durable history + event log + scheduling)");

        var (perSecond, latency) = await ThroughputAsync(engine, Workflows.TenNodes, quick ? 300 : 2000, concurrency: 32);
        Console.WriteLine($"10-node workflow:       {perSecond:F0} runs/s at 32 concurrent runs; per-run {latency}");

        Console.WriteLine($"code node (python3):    {await NodeLatencyAsync(engine, Workflows.Chain(1, Workflows.Code), quick ? 50 : 300)}");
        Console.WriteLine($"template node (jinja2): {await NodeLatencyAsync(engine, Workflows.Chain(1, Workflows.Template), quick ? 50 : 300)}");
        Console.WriteLine($"model server calls:     {server.ChatRequestCount}");
    }

    /// <summary>Mean milliseconds of one chat call through the same adapter, without the engine.</summary>
    private static async Task<double> ModelCallAsync(IConfiguration configuration, int calls)
    {
        var options = configuration.GetSection(Dify.Models.Configuration.ModelsOptions.SectionName).Get<Dify.Models.Configuration.ModelsOptions>()!;
        var models = new Dify.Models.ModelProviders(Microsoft.Extensions.Options.Options.Create(options));
        var request = new Dify.Models.Chat.ChatRequest("openai", "gpt-4o-mini", [Dify.Models.Chat.ChatMessage.FromText(Dify.Models.Chat.ChatRole.User, "step")]);
        Func<Dify.Models.Chat.ChatDelta, ValueTask> onDelta = _ => ValueTask.CompletedTask; // the llm node streams
        for (var i = 0; i < 20; i++) await models.Chat.CompleteAsync(request, onDelta, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++) await models.Chat.CompleteAsync(request, onDelta, CancellationToken.None);
        return watch.Elapsed.TotalMilliseconds / calls;
    }

    private static WorkflowDefinition Load(LocalEngine engine, string yaml)
    {
        var app = engine.Loader.Load(yaml, "bench.yml");
        if (!app.Succeeded) throw new InvalidOperationException(string.Join("\n", app.Problems));
        engine.Catalog.Add(app.Definition!);
        return app.Definition!;
    }

    private static async Task<WorkflowRunResult> RunOnceAsync(LocalEngine engine, WorkflowDefinition definition)
    {
        var id = await engine.Runs.StartAsync(definition, new StartRunOptions { Inputs = new JsonObject { ["q"] = "abc" } }, CancellationToken.None);
        var result = await engine.Runs.WaitAsync(id, CancellationToken.None);
        if (result.Status != WorkflowRunStatus.Succeeded) throw new InvalidOperationException($"bench run {result.Status}: {result.Error}");
        return result;
    }

    /// <summary>Mean milliseconds per sequential run, after a warm-up.</summary>
    private static async Task<double> PerRunAsync(LocalEngine engine, string yaml, int runs)
    {
        var definition = Load(engine, yaml);
        for (var i = 0; i < 5; i++) await RunOnceAsync(engine, definition);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++) await RunOnceAsync(engine, definition);
        return watch.Elapsed.TotalMilliseconds / runs;
    }

    private static async Task<(double PerSecond, string Latency)> ThroughputAsync(LocalEngine engine, string yaml, int total, int concurrency)
    {
        var definition = Load(engine, yaml);
        for (var i = 0; i < 10; i++) await RunOnceAsync(engine, definition);
        var latencies = new List<double>(total);
        var next = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var t = Stopwatch.GetTimestamp();
                await RunOnceAsync(engine, definition);
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        });
        await Task.WhenAll(workers);
        return (total / watch.Elapsed.TotalSeconds, Stats.Describe(latencies));
    }

    /// <summary>Whole-run latency of start → node → end on a warm sandbox (an upper bound of the node's own time).</summary>
    private static async Task<string> NodeLatencyAsync(LocalEngine engine, string yaml, int runs)
    {
        var definition = Load(engine, yaml);
        for (var i = 0; i < 10; i++) await RunOnceAsync(engine, definition);
        var runLatencies = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await RunOnceAsync(engine, definition);
            runLatencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return "whole run " + Stats.Describe(runLatencies);
    }
}
