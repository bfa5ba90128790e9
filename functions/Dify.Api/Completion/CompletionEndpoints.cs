using Dify.Api.Auth;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Api.Runs;
using Dify.Api.Workflows;
using Dify.Storage.Conversations;
using Dify.Storage.Runs;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Completion;

/// <summary><c>POST /completion-messages</c> and <c>POST /completion-messages/{task_id}/stop</c> (completion apps).</summary>
public static class CompletionEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/completion-messages", SendAsync);
        v1.MapPost("/completion-messages/{taskId}/stop", StopAsync);
    }

    private static async Task SendAsync(HttpContext http, IEndUserStore users, CompletionStarter starter, RunEventStreamer streamer, IOptions<DifyApiOptions> options)
    {
        var ct = http.RequestAborted;
        var app = http.App();
        if (app.Definition.Mode != AppMode.Completion) throw ApiErrors.NotCompletionApp();
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.CompletionMessageBody, options.Value.MaxJsonBodyBytes, ct);
        var user = RequestArgs.RequireUser(body.User);
        var streaming = RequestArgs.IsStreaming(body.ResponseMode);

        var endUser = await users.GetOrCreateAsync(app.Id, user, ct);
        var run = await starter.StartAsync(app, endUser, body, ct);
        if (streaming)
        {
            await streamer.StreamAsync(http, run, ct);
            return;
        }
        var result = await run.Completion.WaitAsync(ct);
        if (result.Status == WorkflowRunStatus.Failed) throw ApiErrors.CompletionRequestError(result.Error ?? "The run failed.");
        await ApiJson.Result(RunPayloads.ChatMessage(run, result)).ExecuteAsync(http);
    }

    private static async Task<IResult> StopAsync(HttpContext http, string taskId, IWorkflowRunIndex index, WorkflowRunService runs, IOptions<DifyApiOptions> options)
    {
        var app = http.App();
        if (app.Definition.Mode != AppMode.Completion) throw ApiErrors.NotCompletionApp();
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.UserBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        await WorkflowEndpoints.StopRunAsync(app.Id, taskId, RequestArgs.RequireUser(body.User), index, runs, http.RequestAborted);
        return ApiJson.Success();
    }
}
