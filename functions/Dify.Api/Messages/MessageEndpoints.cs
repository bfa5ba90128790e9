using System.Text.Json.Nodes;
using Dify.Api.Auth;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Conversations;
using Dify.Storage.Feedback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Messages;

/// <summary><c>POST /messages/{id}/feedbacks</c> and <c>GET /messages/{id}/suggested</c>; a message is found only for its own app and end user.</summary>
public static class MessageEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/messages/{messageId}/feedbacks", FeedbackAsync);
        v1.MapGet("/messages/{messageId}/suggested", SuggestedAsync);
    }

    private static async Task<IResult> FeedbackAsync(HttpContext http, string messageId, IEndUserStore users, IConversationStore conversations,
        IMessageFeedbackStore feedbacks, TimeProvider time, IOptions<DifyApiOptions> options)
    {
        var app = http.App();
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.FeedbackBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        if (body.Rating is not (null or "like" or "dislike")) throw ApiErrors.InvalidParam("rating must be one of: like, dislike, null");
        var (message, user) = await FindAsync(http, app.Id, messageId, RequestArgs.RequireUser(body.User), users, conversations);
        if (body.Rating is null)
        {
            if (!await feedbacks.DeleteAsync(message.Id, http.RequestAborted)) throw ApiErrors.BadRequest("rating cannot be None when feedback not exists");
            return ApiJson.Success();
        }
        var now = time.GetUtcNow();
        var existing = await feedbacks.GetAsync(message.Id, http.RequestAborted);
        await feedbacks.UpsertAsync(new MessageFeedbackRecord(message.Id, app.Id, user.Id, body.Rating, body.Content, existing?.CreatedAt ?? now, now), http.RequestAborted);
        return ApiJson.Success();
    }

    private static async Task<IResult> SuggestedAsync(HttpContext http, string messageId, IEndUserStore users, IConversationStore conversations, SuggestedQuestions suggestions)
    {
        var app = http.App();
        if (!app.IsChatApp) throw ApiErrors.NotChatApp();
        var (message, _) = await FindAsync(http, app.Id, messageId, RequestArgs.Query(http.Request, "user") ?? RequestArgs.DefaultUser, users, conversations);
        // As Dify: the message is looked up first (404), then the feature checked (403).
        if (!SuggestedQuestions.Enabled(app)) throw ApiErrors.SuggestedQuestionsDisabled();
        var data = new JsonArray();
        foreach (var q in await suggestions.AskAsync(app, message, http.RequestAborted)) data.Add(q);
        return ApiJson.Result(new JsonObject { ["result"] = "success", ["data"] = data });
    }

    private static async Task<(MessageRecord Message, EndUserRecord User)> FindAsync(HttpContext http, string appId, string messageId, string user,
        IEndUserStore users, IConversationStore conversations)
    {
        var endUser = await users.FindAsync(appId, user, http.RequestAborted) ?? throw ApiErrors.MessageNotExists();
        var message = await conversations.GetMessageAsync(messageId, http.RequestAborted);
        if (message is null || message.AppId != appId
            || await conversations.GetAsync(appId, endUser.Id, message.ConversationId, http.RequestAborted) is null)
            throw ApiErrors.MessageNotExists();
        return (message, endUser);
    }
}
