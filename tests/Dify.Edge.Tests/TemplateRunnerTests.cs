using System.Text.Json.Nodes;
using Dify.Edge.Events;

namespace Dify.Edge.Tests;

[Collection(ModelsCollection.Name)]
public sealed class TemplateRunnerTests(ModelsFixture models)
{
    [Fact]
    public async Task A_run_becomes_one_event_with_the_template_id_version_and_outputs()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("defects", "2024.11.1", Templates.DefectCheck());
        var before = DateTimeOffset.UtcNow;

        var outcome = await edge.Runner.RunAsync("defects", new JsonObject { ["frame"] = Convert.ToBase64String(Classifier.Png(Classifier.Frame(4), 8, 8)) }, CancellationToken.None);

        var e = Assert.Single(edge.Events.Events);
        Assert.Equal(Guid.Parse(outcome.RunId), e.EventId);
        Assert.Equal("defects", e.Source);
        Assert.Equal("2024.11.1", e.TemplateVersion);
        Assert.Equal("succeeded", e.Status);
        Assert.True(e.CreatedAt >= before.AddSeconds(-1));
        Assert.True(JsonNode.DeepEquals(outcome.Outputs, e.Outputs));
        Assert.Equal(["is_defect", "latency_ms", "scores", "top"], e.Outputs.Select(p => p.Key).Order(StringComparer.Ordinal));

        // The wire form keeps the field names the cloud reads.
        var wire = JsonNode.Parse(e.ToUtf8Json())!.AsObject();
        Assert.Equal(["created_at", "event_id", "outputs", "source", "status", "template_version"], wire.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(e, TemplateEvent.FromUtf8Json(e.ToUtf8Json()) with { Outputs = e.Outputs });
        Assert.False(Directory.Exists(Path.Combine(edge.DataDirectory, "pending")) && Directory.EnumerateFiles(Path.Combine(edge.DataDirectory, "pending")).Any());
    }

    [Fact]
    public async Task An_event_the_sink_did_not_take_is_handed_over_again_after_a_restart()
    {
        using var data = new Dify.Testing.TempDirectory("dify-edge-restart");
        string runId;
        await using (var first = new EdgeHarness(models.Directory, data.Path, new FailingSink()))
        {
            await first.ActivateAsync("echo", "1", Templates.Echo("a"));
            var run = await first.Runner.StartAsync("echo", new JsonObject { ["x"] = 42 }, CancellationToken.None);
            await Assert.ThrowsAsync<IOException>(() => run);
            runId = (await first.Engine.Runtime.GetStateAsync(Directory.EnumerateFiles(Path.Combine(data.Path, "pending")).Select(f => Guid.Parse(Path.GetFileNameWithoutExtension(f)).ToString()).Single(), CancellationToken.None))!.InstanceId;
        }

        await using var second = new EdgeHarness(models.Directory, data.Path);
        await second.Store.LoadAsync(CancellationToken.None);
        Assert.Equal(1, await second.Runner.ResumeAsync(CancellationToken.None));
        await second.Runner.DrainAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var e = Assert.Single(second.Events.Events);
        Assert.Equal(Guid.Parse(runId), e.EventId);
        Assert.Equal(42, (int)e.Outputs["x"]!);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(data.Path, "pending")));
    }

    private sealed class FailingSink : IEventSink
    {
        public EventSinkStatus Status => new(0, 0, false, 0);

        public Task PublishAsync(TemplateEvent templateEvent, CancellationToken cancellationToken) => throw new IOException("disk full");

        public Task<long> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(0L);
    }
}
