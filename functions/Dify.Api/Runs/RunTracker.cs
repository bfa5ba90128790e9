using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dify.Api.Observability;
using Dify.Storage.Conversations;
using Dify.Storage.Runs;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Api.Runs;

/// <summary>
/// Follows every run the API started until it ends, then records the outcome: the run index and, for
/// chat, the message's answer and the conversation variables. Independent of any client connection,
/// so a dropped stream still gets its turn saved. At start it follows again the runs a previous
/// process left unfinished (the host resumes them in the engine first).
/// </summary>
public sealed class RunTracker(
    WorkflowRunService runs,
    IWorkflowRunIndex index,
    IConversationStore conversations,
    TimeProvider time,
    ApiMetrics metrics,
    ILogger<RunTracker> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, Task<WorkflowRunResult>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _activePerApp = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Runs of the app being followed now (started and not yet recorded as ended).</summary>
    public int ActiveRuns(string appId) => _activePerApp.GetValueOrDefault(appId);

    /// <summary>Starts following the run (once); the task ends when its outcome is recorded.</summary>
    public Task<WorkflowRunResult> Track(TrackedRun run)
    {
        var added = false;
        var task = _running.GetOrAdd(run.RunId, _ =>
        {
            added = true;
            metrics.RunStarted();
            _activePerApp.AddOrUpdate(run.AppId, 1, (_, n) => n + 1);
            return Task.Run(() => FollowAsync(run, _stopping.Token));
        });
        if (added)
            _ = task.ContinueWith(_ =>
            {
                _running.TryRemove(run.RunId, out var _);
                _activePerApp.AddOrUpdate(run.AppId, 0, (_, n) => Math.Max(0, n - 1));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var unfinished = await index.ListUnfinishedAsync(cancellationToken);
        foreach (var run in unfinished)
            _ = Track(new TrackedRun(run.Id, run.AppId, run.ConversationId, run.MessageId));
        if (unfinished.Count > 0) logger.LogInformation("Following {Count} unfinished runs", unfinished.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Runs still going stay unfinished in the index and are followed again after a restart.
        }
    }

    private async Task<WorkflowRunResult> FollowAsync(TrackedRun run, CancellationToken cancellationToken)
    {
        WorkflowRunResult result;
        try
        {
            result = await runs.WaitAsync(run.RunId, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            // The engine has no such run (it never started): record it as failed.
            logger.LogWarning(ex, "Run {RunId} is unknown to the engine", run.RunId);
            result = new WorkflowRunResult { Status = WorkflowRunStatus.Failed, Error = "The run was lost before it started." };
        }
        await RecordAsync(run, result);
        metrics.RunFinished(result.Status);
        return result;
    }

    private async Task RecordAsync(TrackedRun run, WorkflowRunResult result)
    {
        var finishedAt = result.FinishedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(result.FinishedAt) : time.GetUtcNow();
        try
        {
            if (run.ConversationId is { } conversationId && run.MessageId is { } messageId)
            {
                var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                foreach (var (name, value) in result.ConversationVariables) variables[name] = value?.DeepClone();
                await conversations.CompleteTurnAsync(new TurnCompletion(
                    conversationId, messageId, result.Answer ?? "",
                    result.Status == WorkflowRunStatus.Failed ? "error" : "normal",
                    result.Error, result.TotalTokens, variables, time.GetUtcNow()), CancellationToken.None);
            }
            await index.FinishAsync(run.RunId, new WorkflowRunOutcome(
                result.Status, (JsonObject)result.Outputs.DeepClone(), result.Error, result.ElapsedTime,
                result.TotalTokens, result.TotalSteps, result.ExceptionsCount, finishedAt), CancellationToken.None);
            logger.LogInformation("Run {RunId} of app {AppId} ended {Status} in {ElapsedSeconds}s", run.RunId, run.AppId, result.Status, result.ElapsedTime);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Recording the end of run {RunId} failed", run.RunId);
        }
    }

    public void Dispose() => _stopping.Dispose();
}
