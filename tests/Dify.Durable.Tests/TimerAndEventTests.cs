using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

public sealed class TimerAndEventTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    [Fact]
    public async Task Timer_fires_no_earlier_than_its_time_and_advances_orchestration_time()
    {
        var runtime = NewRuntime();
        runtime.RegisterOrchestrator("timer", async (ctx, _) =>
        {
            var start = ctx.CurrentUtcDateTime;
            var fireAt = start.AddMilliseconds(200);
            await ctx.CreateTimer(fireAt);
            return JsonSerializer.Serialize(new[] { start, fireAt, ctx.CurrentUtcDateTime });
        });

        var state = await RunAsync(runtime, "timer", "timer-1");

        var times = JsonSerializer.Deserialize<DateTime[]>(state.Output!)!;
        Assert.True(times[2] >= times[1], $"now after the timer {times[2]:O} must be >= fire time {times[1]:O}");
        var history = await runtime.GetHistoryAsync("timer-1", Timeout());
        Assert.Single(history, e => e.EventType == HistoryEventType.TimerCreated);
        Assert.Single(history, e => e.EventType == HistoryEventType.TimerFired);
        Assert.True((await runtime.VerifyReplayAsync("timer-1", Timeout())).IsMatch);
    }

    [Fact]
    public async Task Pending_timer_survives_a_restart()
    {
        static void Register(EmbeddedDurableRuntime runtime) =>
            runtime.RegisterOrchestrator("long-timer", async (ctx, _) =>
            {
                await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(700));
                return "\"fired\"";
            });

        var started = DateTime.UtcNow;
        await using (var first = NewRuntime())
        {
            Register(first);
            await first.StartOrchestrationAsync("long-timer", "timer-2", null, Timeout());
            await WaitUntilAsync(async () => (await first.GetHistoryAsync("timer-2", Timeout())).Any(e => e.EventType == HistoryEventType.TimerCreated));
        }
        var second = NewRuntime();
        Register(second);
        Assert.Equal(1, await second.ResumeUnfinishedAsync(Timeout()));
        var state = await second.WaitForCompletionAsync("timer-2", Timeout());

        Assert.Equal("\"fired\"", state.Output);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(650));
        Assert.Single(await second.GetHistoryAsync("timer-2", Timeout()), e => e.EventType == HistoryEventType.TimerCreated);
    }

    [Fact]
    public async Task A_cancelled_timer_loses_a_race_against_an_event()
    {
        var runtime = NewRuntime();
        runtime.RegisterOrchestrator("approval", async (ctx, _) =>
        {
            using var cancel = new CancellationTokenSource();
            var timeout = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMinutes(10), cancel.Token);
            var approval = ctx.WaitForExternalEvent<string>("approve");
            var winner = await Task.WhenAny(timeout, approval);
            if (winner == approval)
            {
                // Synchronous Cancel: CancelAsync would finish on the thread pool, i.e. off the orchestration thread.
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
                return JsonSerializer.Serialize(await approval);
            }
            return "\"timed out\"";
        });

        await runtime.StartOrchestrationAsync("approval", "approval-1", null, Timeout());
        await runtime.RaiseEventAsync("approval-1", "approve", "\"yes\"", Timeout());
        var state = await runtime.WaitForCompletionAsync("approval-1", Timeout());

        Assert.Equal("\"yes\"", state.Output);
        var check = await runtime.VerifyReplayAsync("approval-1", Timeout());
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    [Fact]
    public async Task External_events_raised_before_and_after_the_wait_are_delivered_in_order()
    {
        var runtime = NewRuntime();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        runtime.RegisterActivity("gate", async (_, _, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return null;
        });
        runtime.RegisterOrchestrator("events", async (ctx, _) =>
        {
            await ctx.CallActivityAsync<object?>("gate");
            var first = await ctx.WaitForExternalEvent<int>("number"); // raised while the gate was closed: buffered
            var second = await ctx.WaitForExternalEvent<int>("number");
            ctx.SetCustomStatus("waiting for text");
            var text = await ctx.WaitForExternalEvent<string>("text"); // raised after the wait began
            return JsonSerializer.Serialize(new object[] { first, second, text });
        });

        await runtime.StartOrchestrationAsync("events", "events-1", null, Timeout());
        await runtime.RaiseEventAsync("events-1", "number", "1", Timeout());
        await runtime.RaiseEventAsync("events-1", "number", "2", Timeout());
        release.SetResult();
        await WaitUntilAsync(async () => (await runtime.GetStateAsync("events-1", Timeout()))!.CustomStatus is not null);
        await runtime.RaiseEventAsync("events-1", "text", "\"hello\"", Timeout());
        var state = await runtime.WaitForCompletionAsync("events-1", Timeout());

        Assert.Equal("[1,2,\"hello\"]", state.Output);
        var raised = (await runtime.GetHistoryAsync("events-1", Timeout())).Where(e => e.EventType == HistoryEventType.EventRaised).ToList();
        Assert.Equal(["1", "2", "\"hello\""], raised.Select(e => e.Payload));
        Assert.True((await runtime.VerifyReplayAsync("events-1", Timeout())).IsMatch);
    }

    [Fact]
    public async Task Event_raised_while_no_runtime_runs_the_instance_is_kept_and_delivered_after_resume()
    {
        static void Register(EmbeddedDurableRuntime runtime) =>
            runtime.RegisterOrchestrator("wait", async (ctx, _) =>
                (await ctx.WaitForExternalEvent<int>("n") * 2).ToString(CultureInfo.InvariantCulture));

        await using (var first = NewRuntime())
        {
            Register(first);
            await first.StartOrchestrationAsync("wait", "offline-1", null, Timeout());
        }
        var second = NewRuntime();
        Register(second);
        await second.RaiseEventAsync("offline-1", "n", "21", Timeout()); // not resumed yet: stored in the inbox
        await second.ResumeUnfinishedAsync(Timeout());
        var state = await second.WaitForCompletionAsync("offline-1", Timeout());

        Assert.Equal("42", state.Output);
    }
}
