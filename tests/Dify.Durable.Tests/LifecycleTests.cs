using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

public sealed class LifecycleTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    [Fact]
    public async Task Replay_reports_IsReplaying_and_recorded_time_until_history_is_consumed()
    {
        var observations = new ConcurrentQueue<(string Point, bool Replaying, DateTime Now)>();
        void Register(EmbeddedDurableRuntime runtime) =>
            runtime.RegisterOrchestrator("observe", async (ctx, _) =>
            {
                observations.Enqueue(("start", ctx.IsReplaying, ctx.CurrentUtcDateTime));
                await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMilliseconds(20));
                observations.Enqueue(("after-timer", ctx.IsReplaying, ctx.CurrentUtcDateTime));
                ctx.SetCustomStatus("waiting");
                await ctx.WaitForExternalEvent<bool>("go");
                observations.Enqueue(("after-event", ctx.IsReplaying, ctx.CurrentUtcDateTime));
                return "null";
            });

        await using (var first = NewRuntime())
        {
            Register(first);
            await first.StartOrchestrationAsync("observe", "obs-1", null, Timeout());
            await WaitUntilAsync(async () => (await first.GetStateAsync("obs-1", Timeout()))!.CustomStatus is not null);
        }
        var live = observations.ToArray();
        observations.Clear();
        var second = NewRuntime();
        Register(second);
        await second.ResumeUnfinishedAsync(Timeout());
        await WaitUntilAsync(() => Task.FromResult(observations.Count >= 2));
        await second.RaiseEventAsync("obs-1", "go", "true", Timeout());
        await second.WaitForCompletionAsync("obs-1", Timeout());
        var resumed = observations.ToArray();

        Assert.Equal([("start", false), ("after-timer", false)], live.Select(o => (o.Point, o.Replaying)));
        Assert.Equal([("start", true), ("after-timer", true), ("after-event", false)], resumed.Select(o => (o.Point, o.Replaying)));
        Assert.Equal(live[0].Now, resumed[0].Now); // time comes from history, not the clock
        Assert.Equal(live[1].Now, resumed[1].Now);
        Assert.True(resumed[2].Now > resumed[1].Now);
        var history = await second.GetHistoryAsync("obs-1", Timeout());
        Assert.Equal(history.Single(e => e.EventType == HistoryEventType.TimerFired).Timestamp, live[1].Now);
    }

    [Fact]
    public async Task Dispose_cancels_in_flight_activities_and_leaves_the_instance_to_be_resumed_and_rerun()
    {
        var attempts = 0;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstCancelled = false;
        void Register(EmbeddedDurableRuntime runtime) =>
            runtime.RegisterActivity("slow-once", async (_, _, ct) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    firstStarted.SetResult();
                    try
                    {
                        await Task.Delay(System.Threading.Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        firstCancelled = true;
                        throw;
                    }
                }
                return "done";
            });

        await using (var first = NewRuntime())
        {
            Register(first);
            first.RegisterOrchestrator("once", async (ctx, _) => '"' + await ctx.CallActivityAsync<string>("slow-once") + '"');
            await first.StartOrchestrationAsync("once", "dispose-1", null, Timeout());
            await firstStarted.Task.WaitAsync(Timeout());
        }
        Assert.True(firstCancelled, "dispose must cancel and wait for the running activity");

        var second = NewRuntime();
        Register(second);
        second.RegisterOrchestrator("once", async (ctx, _) => '"' + await ctx.CallActivityAsync<string>("slow-once") + '"');
        Assert.Equal(OrchestrationStatus.Running, (await second.GetStateAsync("dispose-1", Timeout()))!.Status);
        Assert.Equal(1, await second.ResumeUnfinishedAsync(Timeout()));
        var state = await second.WaitForCompletionAsync("dispose-1", Timeout());

        Assert.Equal("\"done\"", state.Output);
        Assert.Equal(2, attempts); // scheduled before the shutdown, never completed: executed again
        var history = await second.GetHistoryAsync("dispose-1", Timeout());
        Assert.Single(history, e => e.EventType == HistoryEventType.TaskScheduled);
    }
}
