using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Edge.Events;
using Dify.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dify.Edge.Tests;

/// <summary>
/// The module process, killed (SIGKILL: a power cut) in the middle of a template run started by a dropped input file;
/// restarted on the same data folder, it finishes the run without repeating completed nodes and emits its one event.
/// </summary>
[Collection(ModelsCollection.Name)]
public sealed class PowerCutTests(ModelsFixture models, ITestOutputHelper output)
{
    private static string Chain(string baseAddress, int steps)
    {
        var sb = new StringBuilder("""
            version: 0.3.1
            kind: app
            app: {mode: workflow, name: line-steps}
            workflow:
              graph:
                nodes:
                - id: start
                  data: {type: start, title: Start, variables: []}
                - id: infer
                  data: {type: onnx-inference, title: Infer, model: defect_classifier, input_selector: [start, frame], preprocessing: {kind: image}, labels: [ok, scratch, dent, crack]}

            """);
        for (var i = 1; i <= steps; i++)
            sb.Append($"    - id: s{i}\n      data: {{type: http-request, title: Step {i}, method: get, url: '{baseAddress}/step/{i}', headers: '', params: '', body: {{type: none, data: []}}, authorization: {{type: no-auth}}, timeout: {{connect: 5, read: 30, write: 30}}}}\n");
        sb.Append($"    - id: end\n      data: {{type: end, title: End, outputs: [{{variable: last, value_selector: [s{steps}, body]}}, {{variable: top, value_selector: [infer, top]}}]}}\n    edges:\n    - {{source: start, target: infer}}\n");
        var prev = "infer";
        for (var i = 1; i <= steps; i++) { sb.Append($"    - {{source: {prev}, target: s{i}}}\n"); prev = $"s{i}"; }
        sb.Append($"    - {{source: {prev}, target: end}}\n");
        return sb.ToString();
    }

    [Fact]
    public async Task A_run_killed_mid_way_resumes_after_restart_and_emits_one_event()
    {
        await using var server = await StepServer.StartAsync();
        using var dir = new TempDirectory("dify-edge-powercut");
        var data = dir.Combine("data");
        var inputs = dir.Combine("inputs");
        const int steps = 6;
        await using (var setup = new EdgeHarness(models.Directory, data))
        {
            await setup.ActivateAsync("line", "1", Chain(server.BaseAddress, steps));
        }

        var environment = new Dictionary<string, string>
        {
            ["Edge__DataDirectory"] = data,
            ["Edge__InputDirectory"] = inputs,
            ["Edge__ModelDirectory"] = models.Directory,
            ["Inference__IntraOpThreads"] = "1",
            ["ORT_LIB_PATH"] = Path.Combine(ModelsFixture.RepositoryRoot(), ".tools", "onnxruntime", "lib"),
        };
        using (var first = ModuleProcess.Start(environment))
        {
            await first.WaitForOutputAsync("Edge module ready", TimeSpan.FromSeconds(60));
            Directory.CreateDirectory(inputs);
            await File.WriteAllBytesAsync(Path.Combine(inputs, ".frame-1.png"), Classifier.Png(Classifier.Frame(3), 8, 8));
            File.Move(Path.Combine(inputs, ".frame-1.png"), Path.Combine(inputs, "frame-1.png"));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!server.Hits.ContainsKey(3) && DateTime.UtcNow < deadline && !first.HasExited) await Task.Delay(20);
            Assert.True(server.Hits.ContainsKey(3), "the module never reached step 3:\n" + first.Output);
            await first.KillAsync();
        }

        var beforeRestart = server.Hits.ToDictionary(kv => kv.Key, kv => kv.Value);
        output.WriteLine("hits when killed: " + string.Join(", ", beforeRestart.OrderBy(k => k.Key).Select(kv => $"{kv.Key}:{kv.Value}")));
        Assert.False(beforeRestart.ContainsKey(steps), "the run finished before it was killed; nothing was tested");
        Assert.False(File.Exists(Path.Combine(inputs, "frame-1.png")), "the input was not consumed once its run was durable");
        var outbox = Path.Combine(data, "outbox");
        Assert.False(Directory.Exists(outbox) && Directory.EnumerateFiles(outbox).Any());

        using (var second = ModuleProcess.Start(environment))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(Directory.Exists(outbox) && Directory.EnumerateFiles(outbox, "*.json").Any()) && DateTime.UtcNow < deadline && !second.HasExited) await Task.Delay(50);
            output.WriteLine(second.Output);
            await second.StopAsync(TimeSpan.FromSeconds(30));
        }

        var file = Assert.Single(Directory.EnumerateFiles(outbox, "*.json"));
        var e = TemplateEvent.FromUtf8Json(await File.ReadAllBytesAsync(file));
        Assert.Equal("line", e.Source);
        Assert.Equal("succeeded", e.Status);
        Assert.Equal($"step {steps} done", (string)e.Outputs["last"]!);
        Assert.Contains((string)e.Outputs["top"]!["label"]!, Classifier.Labels);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "pending")));

        output.WriteLine("hits at the end: " + string.Join(", ", server.Hits.OrderBy(k => k.Key).Select(kv => $"{kv.Key}:{kv.Value}")));
        var repeated = server.Hits.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        var inFlight = beforeRestart.Keys.Max();
        Assert.All(repeated, n => Assert.Equal(inFlight, n));
        Assert.All(Enumerable.Range(1, steps), n => Assert.True(server.Hits.ContainsKey(n), $"step {n} never ran"));
    }

    [Fact]
    public async Task Idle_module_memory_without_a_model()
    {
        using var dir = new TempDirectory("dify-edge-rss");
        using var module = ModuleProcess.Start(new Dictionary<string, string> { ["Edge__DataDirectory"] = dir.Combine("data"), ["Edge__InputDirectory"] = dir.Combine("in") });
        await module.WaitForOutputAsync("Edge module ready", TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        var rss = module.RssBytes();
        output.WriteLine($"module RSS without a model: {rss / 1048576.0:F1} MiB");
        Assert.True(rss < 100L * 1048576, $"RSS {rss / 1048576.0:F1} MiB");
        await module.StopAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class StepServer : IAsyncDisposable
    {
        private readonly WebApplication app;

        private StepServer(WebApplication app) => this.app = app;

        public ConcurrentDictionary<int, int> Hits { get; } = new();
        public string BaseAddress { get; private set; } = "";

        public static async Task<StepServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new StepServer(app);
            app.MapGet("/step/{n:int}", async (int n, CancellationToken ct) =>
            {
                server.Hits.AddOrUpdate(n, 1, (_, c) => c + 1);
                await Task.Delay(400, ct);
                return Results.Text($"step {n} done");
            });
            await app.StartAsync();
            server.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return server;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
