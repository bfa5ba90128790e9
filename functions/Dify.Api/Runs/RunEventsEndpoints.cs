using System.Globalization;
using Dify.Api.Apps;
using Dify.Api.Auth;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Runs;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dify.Api.Runs;

/// <summary>
/// <c>GET /workflow/{workflow_run_id}/events?user=</c>: replays a run's events from its log and keeps
/// tailing until it ends, so a client that lost its stream gets everything. Every event carries an SSE
/// <c>id:</c> (its log sequence); <c>Last-Event-ID</c> or <c>?after=</c> resumes after it.
/// </summary>
public static class RunEventsEndpoints
{
    public static void Map(RouteGroupBuilder v1) => v1.MapGet("/workflow/{runId}/events", StreamAsync);

    private static async Task StreamAsync(HttpContext http, string runId, IWorkflowRunIndex index, AppRegistry apps, RunTracker tracker,
        WorkflowRunService runs, RunEventStreamer streamer)
    {
        var ct = http.RequestAborted;
        var app = http.App();
        var user = RequestArgs.Query(http.Request, "user") ?? RequestArgs.DefaultUser;
        var record = await index.GetAsync(app.Id, runId, ct);
        if (record is null || record.SessionId != user) throw ApiErrors.NotFound("Workflow run not found.");
        var after = After(http.Request);

        var version = await apps.GetVersionAsync(app, record.WorkflowId, ct) ?? app;
        var completion = record.FinishedAt is null
            ? tracker.Track(new TrackedRun(record.Id, app.Id, record.ConversationId, record.MessageId))
            : FinishedAsync(runs, record, ct);
        var run = new LaunchedRun(record.Id, version, record.ConversationId, record.MessageId, record.CreatedAt.ToUnixTimeSeconds(), completion);
        await streamer.StreamAsync(http, run, ct, after, eventIds: true);
    }

    private static long After(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].ToString();
        if (text.Length == 0) text = RequestArgs.Query(request, "after") ?? "0";
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var after) && after >= 0
            ? after
            : throw ApiErrors.InvalidParam("after (Last-Event-ID) must be a non-negative integer");
    }

    /// <summary>A finished run's result from the engine, or from the index when the engine no longer has it.</summary>
    private static async Task<WorkflowRunResult> FinishedAsync(WorkflowRunService runs, WorkflowRunRecord record, CancellationToken cancellationToken) =>
        await runs.GetAsync(record.Id, cancellationToken) ?? new WorkflowRunResult
        {
            Status = record.Status,
            Outputs = record.Outputs ?? new(),
            Error = record.Error,
            TotalTokens = record.TotalTokens,
            TotalSteps = record.TotalSteps,
            ElapsedTime = record.ElapsedTime,
            CreatedAt = record.CreatedAt.ToUnixTimeSeconds(),
            FinishedAt = record.FinishedAt?.ToUnixTimeSeconds() ?? 0,
        };
}
