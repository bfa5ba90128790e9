using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Dify.Host.Composition;
using Dify.Testing;
using Dify.Workflows.Engine.Events;
using Dify.Workflows.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Host.Tests;

/// <summary>One span per run and one child span per node, exported over OTLP when configured.</summary>
public sealed class TracingTests
{
    private static string Hello()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Dify.Functions.sln"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir.FullName, "samples", "hello.yml"));
    }

    private static async Task RunHelloAsync(LocalEngine engine, string runId)
    {
        var app = engine.Loader.Load(Hello(), "hello.yml");
        var id = await engine.Runs.StartAsync(app.Definition!, new StartRunOptions { RunId = runId, Inputs = new() { ["name"] = "Ada" } }, CancellationToken.None);
        await engine.Runs.WaitAsync(id, CancellationToken.None);
    }

    [Fact]
    public async Task A_run_becomes_a_span_with_one_child_span_per_node()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TracingRunEventSink.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var dir = new TempDirectory();
        var runId = "trace-" + Guid.NewGuid().ToString("N");
        await using (var engine = await LocalEngine.StartAsync(dir.Path, new ConfigurationBuilder().Build(), NullLoggerFactory.Instance, CancellationToken.None))
            await RunHelloAsync(engine, runId);

        var run = Assert.Single(stopped, a => a.OperationName == "workflow.run" && (string?)a.GetTagItem("dify.run_id") == runId);
        Assert.Equal(ActivityStatusCode.Ok, run.Status);
        var nodes = stopped.Where(a => a.ParentSpanId == run.SpanId).ToList();
        Assert.Equal(["start", "shout", "greet", "join", "end"], nodes.OrderBy(n => n.StartTimeUtc).Select(n => (string)n.GetTagItem("dify.node_id")!));
        Assert.All(nodes, n => Assert.Equal(run.TraceId, n.TraceId));
    }

    [Fact]
    public async Task Otlp_exporter_sends_the_spans_to_the_configured_endpoint()
    {
        var bodies = new ConcurrentBag<(string ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            bodies.Add((http.Request.ContentType ?? "", buffer.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenTelemetry:Exporter"] = "otlp",
            ["OpenTelemetry:Endpoint"] = address + "/v1/traces",
        }).Build();
        using var dir = new TempDirectory();
        var runId = "otlp-" + Guid.NewGuid().ToString("N");
        await using (var engine = await LocalEngine.StartAsync(dir.Path, configuration, NullLoggerFactory.Instance, CancellationToken.None))
            await RunHelloAsync(engine, runId);

        Assert.NotEmpty(bodies);
        Assert.All(bodies, b => Assert.Equal("application/x-protobuf", b.ContentType));
        var all = string.Concat(bodies.Select(b => Encoding.UTF8.GetString(b.Body)));
        Assert.Contains("workflow.run", all);
        Assert.Contains(runId, all);
        Assert.Contains("dify.node_type", all);
    }
}
