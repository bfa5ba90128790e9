using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Dify.Durable.Embedded;

/// <summary>Runs activities on the thread pool (bounded by a semaphore) and durable timers, and posts their
/// outcome to the owning orchestration's inbox. Results are serialised here, off the orchestration loop.</summary>
internal sealed class ActivityDispatcher(
    ConcurrentDictionary<string, ActivityFunc> activities,
    int maxConcurrentActivities,
    JsonSerializerOptions json,
    ILogger logger,
    BackgroundWork background)
{
    // Task.Delay accepts at most ~49 days; longer timers wait in steps.
    private static readonly TimeSpan MaxDelayStep = TimeSpan.FromDays(30);

    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxConcurrentActivities));

    public void Run(OrchestrationRunner runner, ScheduledActivity activity, CancellationToken cancellation) =>
        background.Track(Task.Run(() => ExecuteAsync(runner, activity, cancellation), CancellationToken.None));

    public void StartTimer(OrchestrationRunner runner, ScheduledTimer timer, CancellationToken cancellation) =>
        background.Track(Task.Run(() => FireLaterAsync(runner, timer, cancellation), CancellationToken.None));

    private async Task ExecuteAsync(OrchestrationRunner runner, ScheduledActivity activity, CancellationToken cancellation)
    {
        if (!activities.TryGetValue(activity.Name, out var function))
        {
            runner.Post(new ActivityFailedMessage(activity.TaskId, "ActivityNotFoundException", $"No activity named '{activity.Name}' is registered."));
            return;
        }
        try
        {
            await _slots.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            Log.ActivityStarted(logger, runner.InstanceId, activity.Name, activity.TaskId, activity.Attempt);
            var context = new ActivityContext(runner.InstanceId, activity.Name, activity.TaskId, activity.Attempt);
            var result = await function(context, activity.Input, cancellation).ConfigureAwait(false);
            var resultJson = JsonSerializer.Serialize(result, result?.GetType() ?? typeof(object), json);
            runner.Post(new ActivityCompletedMessage(activity.TaskId, resultJson));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Terminated, finished or shutting down: nobody will read this result.
            Log.ActivityCancelled(logger, runner.InstanceId, activity.Name, activity.TaskId);
        }
        catch (Exception error)
        {
            Log.ActivityFailed(logger, runner.InstanceId, activity.Name, activity.TaskId, error);
            runner.Post(new ActivityFailedMessage(activity.TaskId, error.GetType().FullName ?? error.GetType().Name, error.Message));
        }
        finally
        {
            _slots.Release();
        }
    }

    private static async Task FireLaterAsync(OrchestrationRunner runner, ScheduledTimer timer, CancellationToken cancellation)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timer.Cancellation);
        try
        {
            while (true)
            {
                var wait = timer.FireAt - DateTime.UtcNow;
                if (wait <= TimeSpan.Zero)
                {
                    break;
                }
                await Task.Delay(wait < MaxDelayStep ? wait : MaxDelayStep, linked.Token).ConfigureAwait(false);
            }
            runner.Post(new TimerFiredMessage(timer.TaskId));
        }
        catch (OperationCanceledException)
        {
            // The orchestrator cancelled the timer, or the instance ended; a restart re-creates pending timers.
        }
    }
}
