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

namespace Dify.Api.Chat;

/// <summary><c>POST /chat-messages</c> and <c>POST /chat-messages/{task_id}/stop</c> (advanced-chat apps).</summary>
public static class ChatEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/chat-messages", SendAsync);
        v1.MapPost("/chat-messages/{taskId}/stop", StopAsync);
    }

    private static async Task SendAsync(HttpContext http, IEndUserStore users, ChatTurnStarter starter, RunEventStreamer streamer, IOptions<DifyApiOptions> options)
    {
        var ct = http.RequestAborted;
        var app = http.App();
        if (!app.IsChatApp) throw ApiErrors.NotChatApp();
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.ChatMessageBody, options.Value.MaxJsonBodyBytes, ct);
        var user = RequestArgs.RequireUser(body.User);
        var streaming = RequestArgs.IsStreaming(body.ResponseMode);
        if (body.Query is null) throw ApiErrors.InvalidParam("query is required");

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
        if (!app.IsChatApp) throw ApiErrors.NotChatApp();
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.UserBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        await WorkflowEndpoints.StopRunAsync(app.Id, taskId, RequestArgs.RequireUser(body.User), index, runs, http.RequestAborted);
        return ApiJson.Success();
    }
}
