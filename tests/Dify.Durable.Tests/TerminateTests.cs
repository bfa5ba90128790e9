using Xunit.Abstractions;

namespace Dify.Durable.Tests;

public sealed class TerminateTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    [Fact]
    public async Task Terminate_cancels_the_running_activity_and_marks_the_instance_terminated()
    {
        var runtime = NewRuntime();
        var activityStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var activitySawCancellation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        runtime.RegisterActivity("forever", async (_, _, ct) =>
        {
            activityStarted.SetResult();
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                activitySawCancellation.SetResult();
                throw;
            }
            return null;
        });
        runtime.RegisterOrchestrator("stuck", async (ctx, _) => await ctx.CallActivityAsync<string>("forever"));

        await runtime.StartOrchestrationAsync("stuck", "term-1", null, Timeout());
        await activityStarted.Task.WaitAsync(Timeout());
        var waiter = runtime.WaitForCompletionAsync("term-1", Timeout());
        await runtime.TerminateAsync("term-1", "stopped by user", Timeout());
        var state = await waiter;

        await activitySawCancellation.Task.WaitAsync(Timeout());
        Assert.Equal(OrchestrationStatus.Terminated, state.Status);
        Assert.Equal("stopped by user", state.Error);
        var history = await runtime.GetHistoryAsync("term-1", Timeout());
        Assert.Equal(HistoryEventType.ExecutionTerminated, history[^1].EventType);
        Assert.DoesNotContain(history, e => e.EventType == HistoryEventType.TaskCompleted || e.EventType == HistoryEventType.TaskFailed);

        // Terminating a finished instance changes nothing.
        await runtime.TerminateAsync("term-1", "again", Timeout());
        Assert.Equal("stopped by user", (await runtime.GetStateAsync("term-1", Timeout()))!.Error);
    }

    [Fact]
    public async Task Terminate_of_an_instance_not_loaded_marks_it_terminated_so_resume_skips_it()
    {
        await using (var first = NewRuntime())
        {
            first.RegisterOrchestrator("wait", async (ctx, _) => await ctx.WaitForExternalEvent<string>("never"));
            await first.StartOrchestrationAsync("wait", "term-2", null, Timeout());
        }
        var second = NewRuntime();
        second.RegisterOrchestrator("wait", async (ctx, _) => await ctx.WaitForExternalEvent<string>("never"));

        await second.TerminateAsync("term-2", "cleanup", Timeout());

        var state = await second.WaitForCompletionAsync("term-2", Timeout());
        Assert.Equal(OrchestrationStatus.Terminated, state.Status);
        Assert.Equal(0, await second.ResumeUnfinishedAsync(Timeout()));
        Assert.Equal(HistoryEventType.ExecutionTerminated, (await second.GetHistoryAsync("term-2", Timeout()))[^1].EventType);
    }
}
