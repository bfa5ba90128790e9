using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

public sealed class OrchestrationBasicsTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    [Fact]
    public async Task Fan_out_and_fan_in_with_WhenAll_sums_every_result()
    {
        var runtime = NewRuntime();
        runtime.RegisterActivity("square", (_, input, _) => Task.FromResult<object?>((int)input! * (int)input!));
        runtime.RegisterOrchestrator("fan", async (ctx, _) =>
        {
            var tasks = Enumerable.Range(1, 10).Select(i => ctx.CallActivityAsync<int>("square", i)).ToList();
            var results = await Task.WhenAll(tasks);
            return results.Sum().ToString(CultureInfo.InvariantCulture);
        });

        var state = await RunAsync(runtime, "fan", "fan-1");

        Assert.Equal(OrchestrationStatus.Completed, state.Status);
        Assert.Equal("385", state.Output);
        var history = await runtime.GetHistoryAsync("fan-1", Timeout());
        Assert.Equal(10, history.Count(e => e.EventType == HistoryEventType.TaskScheduled));
        Assert.Equal(10, history.Count(e => e.EventType == HistoryEventType.TaskCompleted));
        Assert.Equal(HistoryEventType.ExecutionCompleted, history[^1].EventType);
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(e => e.Sequence));
        Assert.True((await runtime.VerifyReplayAsync("fan-1", Timeout())).IsMatch);
    }

    [Fact]
    public async Task Activity_exception_surfaces_as_ActivityFailedException_and_uncaught_fails_the_instance()
    {
        var runtime = NewRuntime();
        runtime.RegisterActivity("boom", (_, _, _) => throw new InvalidOperationException("kaboom"));
        runtime.RegisterOrchestrator("catches", async (ctx, _) =>
        {
            try
            {
                await ctx.CallActivityAsync<int>("boom");
                return "\"no error\"";
            }
            catch (ActivityFailedException e)
            {
                return JsonSerializer.Serialize(new { e.ActivityName, e.ErrorType, e.ErrorMessage });
            }
        });
        runtime.RegisterOrchestrator("throws", async (ctx, _) => (await ctx.CallActivityAsync<int>("boom")).ToString(CultureInfo.InvariantCulture));

        var caught = await RunAsync(runtime, "catches", "catch-1");
        var failed = await RunAsync(runtime, "throws", "throw-1");

        Assert.Equal(OrchestrationStatus.Completed, caught.Status);
        using var doc = JsonDocument.Parse(caught.Output!);
        Assert.Equal("boom", doc.RootElement.GetProperty("ActivityName").GetString());
        Assert.Equal("System.InvalidOperationException", doc.RootElement.GetProperty("ErrorType").GetString());
        Assert.Equal("kaboom", doc.RootElement.GetProperty("ErrorMessage").GetString());
        Assert.Equal(OrchestrationStatus.Failed, failed.Status);
        Assert.Contains("kaboom", failed.Error);
        Assert.Null(failed.Output);
        var history = await runtime.GetHistoryAsync("throw-1", Timeout());
        Assert.Contains(history, e => e.EventType == HistoryEventType.TaskFailed && e.Payload == "kaboom");
        Assert.True((await runtime.VerifyReplayAsync("throw-1", Timeout())).IsMatch);
    }

    [Fact]
    public async Task Retry_policy_reruns_the_activity_after_durable_timers_until_it_succeeds()
    {
        var runtime = NewRuntime();
        var attemptsSeen = new List<int>();
        runtime.RegisterActivity("flaky", (ctx, _, _) =>
        {
            lock (attemptsSeen)
            {
                attemptsSeen.Add(ctx.Attempt);
            }
            return ctx.Attempt < 3 ? throw new TimeoutException("try again") : Task.FromResult<object?>(ctx.Attempt);
        });
        runtime.RegisterOrchestrator("retry", async (ctx, _) =>
        {
            var options = new ActivityOptions(new RetryPolicy(5, TimeSpan.FromMilliseconds(60)));
            return (await ctx.CallActivityAsync<int>("flaky", null, options)).ToString(CultureInfo.InvariantCulture);
        });
        runtime.RegisterOrchestrator("exhausted", async (ctx, _) =>
        {
            var options = new ActivityOptions(new RetryPolicy(2, TimeSpan.FromMilliseconds(10)));
            try
            {
                await ctx.CallActivityAsync<int>("flaky", null, options);
                return "\"succeeded\"";
            }
            catch (ActivityFailedException e)
            {
                return JsonSerializer.Serialize(e.ErrorType);
            }
        });

        var started = DateTime.UtcNow;
        var state = await RunAsync(runtime, "retry", "retry-1");
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal("3", state.Output);
        Assert.Equal([1, 2, 3], attemptsSeen);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(110), $"two 60 ms retry intervals, took {elapsed}");
        var history = await runtime.GetHistoryAsync("retry-1", Timeout());
        Assert.Equal(3, history.Count(e => e.EventType == HistoryEventType.TaskScheduled));
        Assert.Equal(2, history.Count(e => e.EventType == HistoryEventType.TaskFailed));
        Assert.Equal(2, history.Count(e => e.EventType == HistoryEventType.TimerFired));
        Assert.True((await runtime.VerifyReplayAsync("retry-1", Timeout())).IsMatch);

        var exhausted = await RunAsync(runtime, "exhausted", "retry-2");
        Assert.Equal("\"System.TimeoutException\"", exhausted.Output);
    }

    [Fact]
    public async Task Custom_status_is_visible_while_running_and_kept_after_completion()
    {
        var runtime = NewRuntime();
        runtime.RegisterOrchestrator("status", async (ctx, _) =>
        {
            ctx.SetCustomStatus(new { step = "waiting" });
            var value = await ctx.WaitForExternalEvent<int>("go");
            ctx.SetCustomStatus(new { step = "done", value });
            return "null";
        });

        await runtime.StartOrchestrationAsync("status", "status-1", null, Timeout());
        await WaitUntilAsync(async () => (await runtime.GetStateAsync("status-1", Timeout()))?.CustomStatus is not null);
        var running = await runtime.GetStateAsync("status-1", Timeout());
        await runtime.RaiseEventAsync("status-1", "go", "7", Timeout());
        var done = await runtime.WaitForCompletionAsync("status-1", Timeout());

        Assert.Equal(OrchestrationStatus.Running, running!.Status);
        Assert.Equal("{\"step\":\"waiting\"}", running.CustomStatus);
        Assert.Equal("{\"step\":\"done\",\"value\":7}", done.CustomStatus);
    }

    [Fact]
    public async Task Start_persists_before_returning_and_rejects_a_duplicate_while_running_but_allows_a_restart_after()
    {
        var runtime = NewRuntime();
        runtime.RegisterOrchestrator("wait", async (ctx, input) => await ctx.WaitForExternalEvent<string>("go") + input);

        await runtime.StartOrchestrationAsync("wait", "dup-1", "\"a\"", Timeout());
        var pendingOrRunning = await runtime.GetStateAsync("dup-1", Timeout());
        await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.StartOrchestrationAsync("wait", "dup-1", null, Timeout()));
        await runtime.RaiseEventAsync("dup-1", "go", "\"x\"", Timeout());
        var first = await runtime.WaitForCompletionAsync("dup-1", Timeout());
        await runtime.StartOrchestrationAsync("wait", "dup-1", "\"b\"", Timeout());
        await runtime.RaiseEventAsync("dup-1", "go", "\"y\"", Timeout());
        var second = await runtime.WaitForCompletionAsync("dup-1", Timeout());

        Assert.NotNull(pendingOrRunning);
        Assert.Equal("\"a\"", pendingOrRunning.Input);
        Assert.Equal("x\"a\"", first.Output);
        Assert.Equal("y\"b\"", second.Output);
        Assert.Equal(1, (await runtime.GetHistoryAsync("dup-1", Timeout())).Count(e => e.EventType == HistoryEventType.ExecutionStarted));
    }

    [Fact]
    public async Task Unknown_activity_fails_the_call_and_unknown_orchestrator_is_refused()
    {
        var runtime = NewRuntime();
        runtime.RegisterOrchestrator("calls-missing", async (ctx, _) => await ctx.CallActivityAsync<string>("nope"));

        var state = await RunAsync(runtime, "calls-missing", "missing-1");

        Assert.Equal(OrchestrationStatus.Failed, state.Status);
        Assert.Contains("nope", state.Error);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.StartOrchestrationAsync("not-registered", "x", null, Timeout()));
    }
}
