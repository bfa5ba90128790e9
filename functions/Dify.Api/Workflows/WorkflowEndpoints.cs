using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Api.Auth;
using Dify.Api.Errors;
using Dify.Api.Files;
using Dify.Api.Http;
using Dify.Api.Runs;
using Dify.Storage.Conversations;
using Dify.Storage.Runs;
using Dify.Workflows.Dsl;
using Dify.Workflows.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dify.Api.Workflows;

/// <summary><c>POST /workflows/run</c>, <c>GET /workflows/run/{id}</c>, <c>POST /workflows/tasks/{task_id}/stop</c>.</summary>
public static class WorkflowEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/workflows/run", (HttpContext http, IServiceProvider services) => RunAsync(http, null, services));
        v1.MapPost("/workflows/{workflowId}/run", (HttpContext http, string workflowId, IServiceProvider services) => RunAsync(http, workflowId, services));
        v1.MapGet("/workflows/run/{runId}", GetRunAsync);
        v1.MapPost("/workflows/tasks/{taskId}/stop", StopAsync);
        v1.MapGet("/workflows/logs", LogsAsync);
    }

    /// <summary>Runs the app's current version, or the stored version <paramref name="workflowId"/> (404 when the app never had it).</summary>
    private static async Task RunAsync(HttpContext http, string? workflowId, IServiceProvider services)
    {
        var users = services.GetRequiredService<IEndUserStore>();
        var launcher = services.GetRequiredService<RunLauncher>();
        var files = services.GetRequiredService<FileInputResolver>();
        var streamer = services.GetRequiredService<RunEventStreamer>();
        var options = services.GetRequiredService<IOptions<DifyApiOptions>>();
        var ct = http.RequestAborted;
        var app = http.App();
        if (app.Definition.Mode != AppMode.Workflow) throw ApiErrors.NotWorkflowApp();
        if (workflowId is not null)
            app = await services.GetRequiredService<AppRegistry>().GetVersionAsync(app, workflowId, ct) ?? throw ApiErrors.NotFound("Workflow not found.");
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.WorkflowRunBody, options.Value.MaxJsonBodyBytes, ct);
        var user = RequestArgs.RequireUser(body.User);
        var streaming = RequestArgs.IsStreaming(body.ResponseMode);
        RunLauncher.ValidateInputs(app, body.Inputs);

        var endUser = await users.GetOrCreateAsync(app.Id, user, ct);
        var inputs = await files.ResolveInputsAsync(app, endUser, body.Inputs, ct) ?? new JsonObject();
        var sysFiles = await files.ResolveFilesAsync(app, endUser, body.Files, ct);
        var run = await launcher.LaunchAsync(app, endUser, new StartRunOptions { Inputs = inputs, Files = sysFiles }, null, ct);
        if (streaming)
        {
            await streamer.StreamAsync(http, run, ct);
            return;
        }
        var result = await run.Completion.WaitAsync(ct);
        await ApiJson.Result(new JsonObject
        {
            ["task_id"] = run.TaskId,
            ["workflow_run_id"] = run.RunId,
            ["data"] = RunPayloads.WorkflowFinishedData(run, result),
        }).ExecuteAsync(http);
    }

    private static async Task<IResult> GetRunAsync(HttpContext http, string runId, IWorkflowRunIndex index)
    {
        var run = await index.GetAsync(http.App().Id, runId, http.RequestAborted) ?? throw ApiErrors.NotFound("Workflow run not found.");
        return ApiJson.Result(new JsonObject
        {
            ["id"] = run.Id,
            ["workflow_id"] = run.WorkflowId,
            ["status"] = run.Status,
            ["inputs"] = run.Inputs.ToJsonString(ApiJson.WriteOptions),
            ["outputs"] = run.Outputs?.DeepClone(),
            ["error"] = run.Error,
            ["total_steps"] = run.TotalSteps,
            ["total_tokens"] = run.TotalTokens,
            ["created_at"] = run.CreatedAt.ToUnixTimeSeconds(),
            ["finished_at"] = run.FinishedAt?.ToUnixTimeSeconds(),
            ["elapsed_time"] = run.ElapsedTime,
        });
    }

    private static async Task<IResult> StopAsync(HttpContext http, string taskId, IWorkflowRunIndex index, WorkflowRunService runs, IOptions<DifyApiOptions> options)
    {
        var app = http.App();
        if (app.Definition.Mode != AppMode.Workflow) throw ApiErrors.NotWorkflowApp();
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.UserBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        await StopRunAsync(app.Id, taskId, RequestArgs.RequireUser(body.User), index, runs, http.RequestAborted);
        return ApiJson.Success();
    }

    /// <summary>Stops the run if it belongs to the app and user and is still going; success either way, as in Dify.</summary>
    internal static async Task StopRunAsync(string appId, string taskId, string user, IWorkflowRunIndex index, WorkflowRunService runs, CancellationToken cancellationToken)
    {
        var run = await index.GetAsync(appId, taskId, cancellationToken);
        if (run is null || run.SessionId != user || run.FinishedAt is not null) return;
        await runs.StopAsync(run.Id, cancellationToken);
    }

    /// <summary>An ISO 8601 time query parameter (Dify's created_at__before / created_at__after); bad values are invalid_param.</summary>
    private static DateTimeOffset? Time(HttpContext http, string name)
    {
        var text = RequestArgs.Query(http.Request, name);
        if (string.IsNullOrEmpty(text)) return null;
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw ApiErrors.InvalidParam($"{name} must be an ISO 8601 date-time, got '{text}'");
    }

    private static async Task<IResult> LogsAsync(HttpContext http, IWorkflowRunIndex index, IOptions<DifyApiOptions> options)
    {
        var app = http.App();
        var status = RequestArgs.Query(http.Request, "status");
        if (status is not (null or "succeeded" or "failed" or "stopped" or "partial-succeeded" or "running"))
            throw ApiErrors.InvalidParam("status must be one of: succeeded, failed, stopped");
        var page = int.TryParse(RequestArgs.Query(http.Request, "page"), out var p) && p > 0 ? p : 1;
        var limit = RequestArgs.Limit(http.Request, 20, options.Value.MaxPageLimit);
        var filter = new WorkflowRunFilter(
            status,
            RequestArgs.Query(http.Request, "keyword"),
            Time(http, "created_at__before"),
            Time(http, "created_at__after"),
            RequestArgs.Query(http.Request, "created_by_end_user_session_id"));
        var (rows, total) = await index.ListAsync(app.Id, filter, page, limit, http.RequestAborted);
        var data = new JsonArray();
        foreach (var r in rows.Items)
            data.Add(new JsonObject
            {
                ["id"] = r.Id,
                ["workflow_run"] = new JsonObject
                {
                    ["id"] = r.Id,
                    ["version"] = r.WorkflowId,
                    ["status"] = r.Status,
                    ["error"] = r.Error,
                    ["elapsed_time"] = r.ElapsedTime,
                    ["total_tokens"] = r.TotalTokens,
                    ["total_steps"] = r.TotalSteps,
                    ["created_at"] = r.CreatedAt.ToUnixTimeSeconds(),
                    ["finished_at"] = r.FinishedAt?.ToUnixTimeSeconds(),
                    ["exceptions_count"] = r.ExceptionsCount,
                    ["triggered_from"] = "app-run",
                },
                ["created_from"] = "service-api",
                ["created_by_role"] = "end_user",
                ["created_by_end_user"] = new JsonObject { ["id"] = r.EndUserId, ["type"] = "service_api", ["is_anonymous"] = false, ["session_id"] = r.SessionId },
                ["created_at"] = r.CreatedAt.ToUnixTimeSeconds(),
            });
        return ApiJson.Result(new JsonObject { ["page"] = page, ["limit"] = limit, ["total"] = total, ["has_more"] = rows.HasMore, ["data"] = data });
    }
}
