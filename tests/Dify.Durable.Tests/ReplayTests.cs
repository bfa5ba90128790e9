using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

/// <summary>Restart a runtime mid-orchestration and check that replay reaches the same decisions.</summary>
public sealed class ReplayTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    private static void RegisterDelay(EmbeddedDurableRuntime runtime, ConcurrentBag<int>? executions = null) =>
        runtime.RegisterActivity("delay", async (ctx, input, ct) =>
        {
            await Task.Delay((int)input!, ct);
            executions?.Add(ctx.TaskId);
            return (int)input!;
        });

    /// <summary>The slow call is scheduled first (task 0) but finishes second; replay must deliver in
    /// recorded order, or the winner after the restart would be task 0.</summary>
    private static void RegisterRace(EmbeddedDurableRuntime runtime) =>
        runtime.RegisterOrchestrator("race", async (ctx, _) =>
        {
            var slow = ctx.CallActivityAsync<int>("delay", 300);
            var fast = ctx.CallActivityAsync<int>("delay", 20);
            var winner = await Task.WhenAny(slow, fast);
            var winnerName = winner == fast ? "fast" : "slow";
            await Task.WhenAll(slow, fast);
            ctx.SetCustomStatus("waiting");
            await ctx.WaitForExternalEvent<string>("go");
            return JsonSerializer.Serialize(winnerName);
        });

    [Fact]
    public async Task WhenAny_winner_is_recorded_and_replayed_identically_after_a_restart()
    {
        var executions = new ConcurrentBag<int>();
        await using (var first = NewRuntime())
        {
            RegisterDelay(first, executions);
            RegisterRace(first);
            await first.StartOrchestrationAsync("race", "race-1", null, Timeout());
            await WaitUntilAsync(async () => (await first.GetStateAsync("race-1", Timeout()))!.CustomStatus is not null);
        }

        var second = NewRuntime();
        RegisterDelay(second, executions);
        RegisterRace(second);
        Assert.Equal(1, await second.ResumeUnfinishedAsync(Timeout()));
        await second.RaiseEventAsync("race-1", "go", "\"now\"", Timeout());
        var state = await second.WaitForCompletionAsync("race-1", Timeout());

        Assert.Equal(OrchestrationStatus.Completed, state.Status);
        Assert.Equal("\"fast\"", state.Output);
        Assert.Equal(2, executions.Count); // replay executed no activity again
        var completions = (await second.GetHistoryAsync("race-1", Timeout()))
            .Where(e => e.EventType == HistoryEventType.TaskCompleted).Select(e => e.TaskId).ToList();
        Assert.Equal([1, 0], completions);
        var check = await second.VerifyReplayAsync("race-1", Timeout());
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
        Assert.Equal(3, check.DecisionsCompared);
    }

    [Fact]
    public async Task NewGuid_is_deterministic_across_replay_and_distinct_per_call_and_instance()
    {
        var seenByActivity = new ConcurrentQueue<Guid>();
        void Register(EmbeddedDurableRuntime runtime)
        {
            runtime.RegisterActivity("record", (_, input, _) =>
            {
                seenByActivity.Enqueue((Guid)input!);
                return Task.FromResult<object?>(null);
            });
            runtime.RegisterOrchestrator("guids", async (ctx, _) =>
            {
                var first = ctx.NewGuid();
                await ctx.CallActivityAsync<object?>("record", first);
                ctx.SetCustomStatus("waiting");
                await ctx.WaitForExternalEvent<bool>("go");
                var second = ctx.NewGuid();
                return JsonSerializer.Serialize(new[] { first, second });
            });
        }

        await using (var first = NewRuntime())
        {
            Register(first);
            await first.StartOrchestrationAsync("guids", "guid-1", null, Timeout());
            await WaitUntilAsync(async () => (await first.GetStateAsync("guid-1", Timeout()))!.CustomStatus is not null);
        }
        var second = NewRuntime();
        Register(second);
        await second.ResumeUnfinishedAsync(Timeout());
        await second.RaiseEventAsync("guid-1", "go", "true", Timeout());
        var resumed = await second.WaitForCompletionAsync("guid-1", Timeout());
        await second.StartOrchestrationAsync("guids", "guid-2", null, Timeout());
        await WaitUntilAsync(async () => (await second.GetStateAsync("guid-2", Timeout()))!.CustomStatus is not null);
        await second.RaiseEventAsync("guid-2", "go", "true", Timeout());
        var other = await second.WaitForCompletionAsync("guid-2", Timeout());

        var guids = JsonSerializer.Deserialize<Guid[]>(resumed.Output!)!;
        var otherGuids = JsonSerializer.Deserialize<Guid[]>(other.Output!)!;
        Assert.Equal(seenByActivity.First(), guids[0]); // the replayed first GUID equals the one used live
        Assert.NotEqual(guids[0], guids[1]);
        Assert.NotEqual(guids[0], otherGuids[0]);
        Assert.Equal(5, (guids[0].ToByteArray(bigEndian: true)[6] >> 4)); // version 5 (name-based)
        Assert.Equal(2, seenByActivity.Count); // one per instance: not re-executed on replay
    }

    [Fact]
    public async Task Changed_orchestrator_fails_the_resumed_instance_as_non_deterministic()
    {
        await using (var first = NewRuntime())
        {
            RegisterDelay(first);
            first.RegisterOrchestrator("flow", async (ctx, _) =>
            {
                await ctx.CallActivityAsync<int>("delay", 1);
                ctx.SetCustomStatus("waiting");
                await ctx.WaitForExternalEvent<bool>("go");
                return "1";
            });
            await first.StartOrchestrationAsync("flow", "nd-1", null, Timeout());
            await WaitUntilAsync(async () => (await first.GetStateAsync("nd-1", Timeout()))!.CustomStatus is not null);
        }

        var second = NewRuntime();
        RegisterDelay(second);
        second.RegisterActivity("other", (_, _, _) => Task.FromResult<object?>(1));
        second.RegisterOrchestrator("flow", async (ctx, _) =>
        {
            await ctx.CallActivityAsync<int>("other", 1); // was "delay" when recorded
            await ctx.WaitForExternalEvent<bool>("go");
            return "2";
        });
        await second.ResumeUnfinishedAsync(Timeout());
        var state = await second.WaitForCompletionAsync("nd-1", Timeout());

        Assert.Equal(OrchestrationStatus.Failed, state.Status);
        Assert.Contains(nameof(NonDeterministicOrchestrationException), state.Error);
        Assert.Contains("task id 0", state.Error);
        Assert.Contains("'delay'", state.Error);
        Assert.Contains("'other'", state.Error);
    }

    [Fact]
    public async Task VerifyReplay_matches_the_recorded_run_and_reports_changed_orchestrators()
    {
        var runtime = NewRuntime();
        RegisterDelay(runtime);
        runtime.RegisterOrchestrator("flow", async (ctx, input) =>
        {
            var a = await ctx.CallActivityAsync<int>("delay", 1);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(5));
            var b = await ctx.CallActivityAsync<int>("delay", 2);
            return (a + b).ToString(CultureInfo.InvariantCulture);
        });
        var state = await RunAsync(runtime, "flow", "verify-1");
        Assert.Equal("3", state.Output);

        var same = await runtime.VerifyReplayAsync("verify-1", Timeout());
        Assert.True(same.IsMatch, string.Join("; ", same.Mismatches));
        Assert.Equal(3, same.DecisionsCompared);

        // Another activity at the same position.
        runtime.RegisterOrchestrator("flow", async (ctx, _) =>
        {
            var a = await ctx.CallActivityAsync<int>("delay", 1);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(5));
            var b = await ctx.CallActivityAsync<int>("renamed", 2);
            return (a + b).ToString(CultureInfo.InvariantCulture);
        });
        var renamed = await runtime.VerifyReplayAsync("verify-1", Timeout());
        Assert.False(renamed.IsMatch);
        Assert.Contains(renamed.Mismatches, m => m.Contains("'renamed'", StringComparison.Ordinal));

        // Same names, other input.
        runtime.RegisterOrchestrator("flow", async (ctx, _) =>
        {
            var a = await ctx.CallActivityAsync<int>("delay", 1);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(5));
            var b = await ctx.CallActivityAsync<int>("delay", 20);
            return (a + b).ToString(CultureInfo.InvariantCulture);
        });
        var otherInput = await runtime.VerifyReplayAsync("verify-1", Timeout());
        Assert.False(otherInput.IsMatch);
        Assert.Contains(otherInput.Mismatches, m => m.Contains("input", StringComparison.Ordinal));

        // Same decisions, other output.
        runtime.RegisterOrchestrator("flow", async (ctx, _) =>
        {
            var a = await ctx.CallActivityAsync<int>("delay", 1);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(5));
            var b = await ctx.CallActivityAsync<int>("delay", 2);
            return (a * b).ToString(CultureInfo.InvariantCulture);
        });
        var otherOutput = await runtime.VerifyReplayAsync("verify-1", Timeout());
        Assert.False(otherOutput.IsMatch);
        Assert.Contains(otherOutput.Mismatches, m => m.Contains("output", StringComparison.Ordinal));

        // An extra decision after the recorded ones.
        runtime.RegisterOrchestrator("flow", async (ctx, _) =>
        {
            var a = await ctx.CallActivityAsync<int>("delay", 1);
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(5));
            var b = await ctx.CallActivityAsync<int>("delay", 2);
            await ctx.CallActivityAsync<int>("delay", 3);
            return (a + b).ToString(CultureInfo.InvariantCulture);
        });
        var extra = await runtime.VerifyReplayAsync("verify-1", Timeout());
        Assert.False(extra.IsMatch);
        Assert.Contains(extra.Mismatches, m => m.Contains("not in its history", StringComparison.Ordinal));
    }
}
