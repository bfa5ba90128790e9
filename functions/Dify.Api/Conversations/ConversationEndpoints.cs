using Dify.Api.Auth;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Conversations;
using Dify.Workflows.Dsl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Conversations;

/// <summary>
/// <c>GET /conversations</c>, <c>GET /messages</c>, <c>GET /conversations/{id}/variables</c>,
/// <c>DELETE /conversations/{id}</c>, <c>POST /conversations/{id}/name</c>. Everything is scoped to the
/// key's app and the <c>user</c>; another user's conversation is "not found".
/// </summary>
public static class ConversationEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/conversations", ListAsync);
        v1.MapGet("/messages", MessagesAsync);
        v1.MapGet("/conversations/{conversationId}/variables", VariablesAsync);
        v1.MapPut("/conversations/{conversationId}/variables/{variableId}", UpdateVariableAsync);
        v1.MapDelete("/conversations/{conversationId}", DeleteAsync);
        v1.MapPost("/conversations/{conversationId}/name", RenameAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IEndUserStore users, IConversationStore conversations, IOptions<DifyApiOptions> options)
    {
        var app = ChatApp(http);
        var limit = RequestArgs.Limit(http.Request, 20, options.Value.MaxPageLimit);
        var sortBy = RequestArgs.Query(http.Request, "sort_by") ?? "-updated_at";
        if (sortBy is not ("created_at" or "-created_at" or "updated_at" or "-updated_at"))
            throw ApiErrors.InvalidParam("sort_by must be one of: created_at, -created_at, updated_at, -updated_at");
        var user = await users.FindAsync(app.Id, RequestArgs.Query(http.Request, "user") ?? RequestArgs.DefaultUser, http.RequestAborted);
        if (user is null) return ApiJson.Result(ConversationPayloads.Page(limit, false, []));
        var page = await conversations.ListAsync(app.Id, user.Id, RequestArgs.Query(http.Request, "last_id"), limit, sortBy, http.RequestAborted)
            ?? throw ApiErrors.NotFound("Last Conversation Not Exists.");
        return ApiJson.Result(ConversationPayloads.Page(limit, page.HasMore, ConversationPayloads.Array(page.Items, ConversationPayloads.Conversation)));
    }

    private static async Task<IResult> MessagesAsync(HttpContext http, IEndUserStore users, IConversationStore conversations, IOptions<DifyApiOptions> options)
    {
        var app = ChatApp(http);
        var conversationId = RequestArgs.Query(http.Request, "conversation_id") ?? throw ApiErrors.InvalidParam("conversation_id is required");
        var limit = RequestArgs.Limit(http.Request, 20, options.Value.MaxPageLimit);
        var conversation = await FindAsync(http, app.Id, conversationId, RequestArgs.Query(http.Request, "user"), users, conversations);
        var page = await conversations.ListMessagesAsync(conversation.Id, RequestArgs.Query(http.Request, "first_id"), limit, http.RequestAborted)
            ?? throw ApiErrors.NotFound("First Message Not Exists.");
        return ApiJson.Result(ConversationPayloads.Page(limit, page.HasMore, ConversationPayloads.Array(page.Items, ConversationPayloads.Message)));
    }

    private static async Task<IResult> VariablesAsync(HttpContext http, string conversationId, IEndUserStore users, IConversationStore conversations, IOptions<DifyApiOptions> options)
    {
        var app = ChatApp(http);
        var limit = RequestArgs.Limit(http.Request, 20, options.Value.MaxPageLimit);
        var conversation = await FindAsync(http, app.Id, conversationId, RequestArgs.Query(http.Request, "user"), users, conversations);
        IEnumerable<ConversationVariableRecord> variables = await conversations.GetVariablesAsync(conversation.Id, http.RequestAborted);
        if (RequestArgs.Query(http.Request, "variable_name") is { } name) variables = variables.Where(v => v.Name == name);
        if (RequestArgs.Query(http.Request, "last_id") is { } lastId) variables = variables.SkipWhile(v => v.Id != lastId).Skip(1);
        var list = variables.ToList();
        return ApiJson.Result(ConversationPayloads.Page(limit, list.Count > limit, ConversationPayloads.Array(list.Take(limit), ConversationPayloads.Variable)));
    }

    private static async Task<IResult> UpdateVariableAsync(HttpContext http, string conversationId, string variableId, IEndUserStore users, IConversationStore conversations,
        IConversationVariableWriter writer, TimeProvider time, IOptions<DifyApiOptions> options)
    {
        var app = ChatApp(http);
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.UpdateVariableBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        var conversation = await FindAsync(http, app.Id, conversationId, RequestArgs.RequireUser(body.User), users, conversations);
        var variable = (await conversations.GetVariablesAsync(conversation.Id, http.RequestAborted)).FirstOrDefault(v => v.Id == variableId)
            ?? throw ApiErrors.NotFound("Conversation variable not exists.");
        if (!VariableValueTypes.Fits(variable.ValueType, body.Value))
            throw ApiErrors.BadRequest($"Type mismatch: variable expects {variable.ValueType}, but got {VariableValueTypes.PythonTypeOf(body.Value)} type");
        var updated = await writer.SetValueAsync(conversation.Id, variable.Id, body.Value?.DeepClone(), time.GetUtcNow(), http.RequestAborted)
            ?? throw ApiErrors.NotFound("Conversation variable not exists.");
        return ApiJson.Result(ConversationPayloads.Variable(updated));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string conversationId, IEndUserStore users, IConversationStore conversations, IOptions<DifyApiOptions> options)
    {
        var app = ChatApp(http);
        var user = RequestArgs.Query(http.Request, "user");
        if (user is null && http.Request.ContentLength is > 0)
            user = (await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.UserBody, options.Value.MaxJsonBodyBytes, http.RequestAborted)).User;
        var conversation = await FindAsync(http, app.Id, conversationId, user, users, conversations);
        await conversations.DeleteAsync(app.Id, conversation.EndUserId, conversation.Id, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> RenameAsync(HttpContext http, string conversationId, IEndUserStore users, IConversationStore conversations, ConversationNamer namer, IOptions<DifyApiOptions> options)
    {
        var app = ChatApp(http);
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.RenameConversationBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        var conversation = await FindAsync(http, app.Id, conversationId, body.User, users, conversations);
        string name;
        if (body.AutoGenerate == true)
        {
            // Dify names it after the conversation's first message, with the model.
            var first = (await conversations.HistoryAsync(conversation.Id, http.RequestAborted)).FirstOrDefault();
            name = first is null ? conversation.Name : await namer.GenerateAsync(app, first.Query, http.RequestAborted);
        }
        else
        {
            name = string.IsNullOrWhiteSpace(body.Name) ? throw ApiErrors.InvalidParam("name is required") : body.Name;
        }
        await conversations.RenameAsync(app.Id, conversation.EndUserId, conversation.Id, name, http.RequestAborted);
        return ApiJson.Result(ConversationPayloads.Conversation(conversation with { Name = name }));
    }

    private static Apps.ActiveApp ChatApp(HttpContext http)
    {
        var app = http.App();
        return app.IsChatApp ? app : throw ApiErrors.NotChatApp();
    }

    private static async Task<ConversationRecord> FindAsync(HttpContext http, string appId, string conversationId, string? user, IEndUserStore users, IConversationStore conversations)
    {
        var endUser = await users.FindAsync(appId, user ?? RequestArgs.DefaultUser, http.RequestAborted) ?? throw ApiErrors.ConversationNotExists();
        return await conversations.GetAsync(appId, endUser.Id, conversationId, http.RequestAborted) ?? throw ApiErrors.ConversationNotExists();
    }
}
