using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Api.Errors;
using Dify.Storage.Conversations;
using Dify.Storage.Runs;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes.Start;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Api.Runs;

/// <summary>Validates inputs, indexes the run, starts it on the engine and hands it to the tracker.</summary>
public sealed class RunLauncher(WorkflowRunService runs, IWorkflowRunIndex index, RunTracker tracker, IOptions<DifyApiOptions> apiOptions, TimeProvider time, ILogger<RunLauncher> logger)
{
    /// <summary>The start form's view of the inputs (defaults, coercions); 400 invalid_param when they do not fit.</summary>
    public static JsonObject ValidateInputs(ActiveApp app, JsonObject? inputs)
    {
        try
        {
            return app.Definition.StartForm is { } form ? StartInputValidator.Validate(form, inputs) : (JsonObject)(inputs ?? new JsonObject()).DeepClone();
        }
        catch (InputValidationException ex)
        {
            throw ApiErrors.InvalidParam(ex.Message);
        }
    }

    /// <summary>429 too_many_requests when the app already has its maximum of runs going.</summary>
    public void EnsureCapacity(ActiveApp app)
    {
        var max = apiOptions.Value.MaxActiveRunsPerApp;
        if (max > 0 && tracker.ActiveRuns(app.Id) >= max) throw ApiErrors.TooManyRequests();
    }

    /// <summary>Starts the run described by <paramref name="options"/> (its RunId set) for <paramref name="user"/>.</summary>
    public async Task<LaunchedRun> LaunchAsync(ActiveApp app, EndUserRecord user, StartRunOptions options, string? messageId, CancellationToken cancellationToken)
    {
        EnsureCapacity(app);
        var runId = options.RunId ?? Guid.NewGuid().ToString();
        var now = time.GetUtcNow();
        var inputs = ValidateInputs(app, options.Inputs);
        await index.AddAsync(new WorkflowRunRecord(runId, app.Id, app.Definition.Key, app.Record.Mode, user.Id, user.SessionId,
            options.ConversationId, messageId, WorkflowRunStatus.Running, inputs, null, null, 0, 0, 0, 0, now, null), cancellationToken);
        try
        {
            await runs.StartAsync(app.Definition, options with { RunId = runId, TaskId = runId, AppId = app.Id, User = user.SessionId, Inputs = inputs }, cancellationToken);
        }
        catch (Exception ex)
        {
            await index.FinishAsync(runId, new WorkflowRunOutcome(WorkflowRunStatus.Failed, new JsonObject(), ex.Message, 0, 0, 0, 0, time.GetUtcNow()), CancellationToken.None);
            if (ex is InputValidationException) throw ApiErrors.InvalidParam(ex.Message);
            throw;
        }
        logger.LogInformation("Started run {RunId} of app {AppId} for end user {EndUserId}", runId, app.Id, user.Id);
        var completion = tracker.Track(new TrackedRun(runId, app.Id, options.ConversationId, messageId));
        return new LaunchedRun(runId, app, options.ConversationId, messageId, now.ToUnixTimeSeconds(), completion);
    }
}
