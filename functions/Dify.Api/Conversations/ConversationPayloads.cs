using System.Text.Json.Nodes;
using Dify.Api.Http;
using Dify.Storage.Conversations;

namespace Dify.Api.Conversations;

/// <summary>Dify's shapes of conversations, messages and conversation variables.</summary>
public static class ConversationPayloads
{
    public static JsonObject Conversation(ConversationRecord c) => new()
    {
        ["id"] = c.Id,
        ["name"] = c.Name,
        ["inputs"] = c.Inputs.DeepClone(),
        ["status"] = c.Status,
        ["introduction"] = "",
        ["created_at"] = c.CreatedAt.ToUnixTimeSeconds(),
        ["updated_at"] = c.UpdatedAt.ToUnixTimeSeconds(),
    };

    public static JsonObject Message(MessageRecord m) => new()
    {
        ["id"] = m.Id,
        ["conversation_id"] = m.ConversationId,
        ["parent_message_id"] = null,
        ["inputs"] = m.Inputs.DeepClone(),
        ["query"] = m.Query,
        ["answer"] = m.Answer,
        ["status"] = m.Status,
        ["error"] = m.Error,
        ["message_files"] = new JsonArray(),
        ["feedback"] = null,
        ["retriever_resources"] = new JsonArray(),
        ["agent_thoughts"] = new JsonArray(),
        ["created_at"] = m.CreatedAt.ToUnixTimeSeconds(),
        ["message_tokens"] = 0,
        ["answer_tokens"] = 0,
        ["total_tokens"] = m.TotalTokens,
        ["provider_response_latency"] = 0,
        ["total_price"] = "0",
        ["currency"] = "USD",
        ["workflow_run_id"] = m.WorkflowRunId,
    };

    /// <summary>The value is a string for string variables, JSON text otherwise (as Dify's API returns it).</summary>
    public static JsonObject Variable(ConversationVariableRecord v) => new()
    {
        ["id"] = v.Id,
        ["name"] = v.Name,
        ["value_type"] = v.ValueType,
        ["value"] = v.Value is JsonValue s && s.GetValueKind() == System.Text.Json.JsonValueKind.String ? s.GetValue<string>() : v.Value?.ToJsonString(ApiJson.WriteOptions),
        ["description"] = v.Description,
        ["created_at"] = v.CreatedAt.ToUnixTimeSeconds(),
        ["updated_at"] = v.UpdatedAt.ToUnixTimeSeconds(),
    };

    public static JsonObject Page(int limit, bool hasMore, JsonArray data) => new() { ["limit"] = limit, ["has_more"] = hasMore, ["data"] = data };

    internal static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonObject> map)
    {
        var array = new JsonArray();
        foreach (var i in items) array.Add(map(i));
        return array;
    }
}
