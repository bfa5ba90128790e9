using System.Text.Json.Nodes;
using Dify.Workflows.Hosting;

namespace Dify.Workflows.Tests.Engine;

/// <summary>Every fixture run live, then its recorded history replayed: the orchestrator must reach the same decisions.</summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private readonly EngineHarness _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    public static TheoryData<string, string> Runs => new()
    {
        { "branch_join.yml", """{"q":"hi","items":{"list":[3,1]}}""" },
        { "branch_join.yml", """{"q":"no","items":{"list":[3,1]}}""" },
        { "legacy_ifelse.yml", """{"n":11}""" },
        { "iteration.yml", """{"data":{"rows":[[2,1],[4,3],[6,5]]}}""" },
        { "loop.yml", """{"limit":4}""" },
        { "chat_state.yml", "{}" },
        { "error_strategy.yml", """{"text":"x"}""" },
        { "tool_node.yml", "{}" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Replaying_the_history_reaches_the_same_decisions(string fixture, string inputs)
    {
        var yaml = EngineHarness.Fixture(fixture).Replace("PARALLEL", "true").Replace("FLATTEN", "true");
        var (result, _, runId) = await _engine.RunAsync(yaml, new StartRunOptions { Inputs = JsonNode.Parse(inputs)!.AsObject(), Query = "q" });
        var check = await _engine.Runtime.VerifyReplayAsync(runId, CancellationToken.None);
        Assert.True(check.IsMatch, $"{fixture} ({result.Status}): " + string.Join("; ", check.Mismatches));
    }
}
