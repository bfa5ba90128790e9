using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Conversations;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Row layout of table <c>conversations</c>. One partition per app and end user (<c>u|{app}|{user}</c>) holds, per conversation:
/// <c>c|{id}</c> (the conversation and its message counter), <c>m|{id}|{newest-first time}|{newest-first seq}</c> (messages)
/// and <c>v|{id}|{name}</c> (variables); so every multi-row change of a conversation is one entity group transaction.
/// Pointer partitions <c>c|{id}</c> and <c>m|{id}</c> find a conversation's partition and a message's row by id alone.
/// </summary>
internal static class ConversationRows
{
    public static string UserPartition(string appId, string endUserId) => "u" + TableKeys.Separator + TableKeys.Join(appId, endUserId);
    public static string ConversationPointer(string id) => "c|" + TableKeys.Escape(id);
    public static string MessagePointer(string id) => "m|" + TableKeys.Escape(id);
    public static string ConversationRow(string id) => "c|" + TableKeys.Escape(id);
    public static string MessagePrefix(string conversationId) => "m|" + TableKeys.Escape(conversationId) + "|";
    public static string VariablePrefix(string conversationId) => "v|" + TableKeys.Escape(conversationId) + "|";
    public const string ConversationPrefix = "c|";

    public static string MessageRow(string conversationId, DateTimeOffset createdAt, long seq) =>
        MessagePrefix(conversationId) + TableKeys.NewestFirst(createdAt) + "|" + TableKeys.Number(long.MaxValue - seq);

    public static TableEntity ToEntity(string partition, ConversationRecord c, long messageSeq)
    {
        var row = new TableEntity(partition, ConversationRow(c.Id))
        {
            { "Id", c.Id }, { "AppId", c.AppId }, { "EndUserId", c.EndUserId }, { "Name", c.Name }, { "Status", c.Status },
            { "CreatedAt", c.CreatedAt }, { "UpdatedAt", c.UpdatedAt }, { "MessageSeq", messageSeq },
        };
        LargeText.Set(row, "Inputs", c.Inputs.ToJsonString());
        return row;
    }

    public static ConversationRecord ToConversation(TableEntity r) => new(
        r.GetString("Id")!, r.GetString("AppId")!, r.GetString("EndUserId")!, r.GetString("Name")!, ParseObject(LargeText.Get(r, "Inputs")),
        r.GetString("Status")!, r.GetDateTimeOffset("CreatedAt")!.Value, r.GetDateTimeOffset("UpdatedAt")!.Value);

    public static TableEntity ToEntity(string partition, string rowKey, MessageRecord m)
    {
        var row = new TableEntity(partition, rowKey)
        {
            { "Id", m.Id }, { "ConversationId", m.ConversationId }, { "AppId", m.AppId }, { "Status", m.Status }, { "TotalTokens", m.TotalTokens }, { "CreatedAt", m.CreatedAt },
        };
        row["WorkflowRunId"] = m.WorkflowRunId;
        LargeText.Set(row, "Query", m.Query);
        LargeText.Set(row, "Answer", m.Answer);
        LargeText.Set(row, "Inputs", m.Inputs.ToJsonString());
        LargeText.Set(row, "Error", m.Error);
        return row;
    }

    public static MessageRecord ToMessage(TableEntity r) => new(
        r.GetString("Id")!, r.GetString("ConversationId")!, r.GetString("AppId")!, LargeText.Get(r, "Query") ?? "", LargeText.Get(r, "Answer") ?? "",
        ParseObject(LargeText.Get(r, "Inputs")), r.GetString("WorkflowRunId"), r.GetString("Status")!, LargeText.Get(r, "Error"),
        r.GetInt32("TotalTokens") ?? 0, r.GetDateTimeOffset("CreatedAt")!.Value);

    public static TableEntity ToEntity(string partition, ConversationVariableRecord v, int ordinal)
    {
        var row = new TableEntity(partition, VariablePrefix(v.ConversationId) + TableKeys.Escape(v.Name))
        {
            { "Id", v.Id }, { "ConversationId", v.ConversationId }, { "Name", v.Name }, { "ValueType", v.ValueType }, { "Description", v.Description },
            { "CreatedAt", v.CreatedAt }, { "UpdatedAt", v.UpdatedAt }, { "Ordinal", ordinal },
        };
        LargeText.Set(row, "Value", v.Value?.ToJsonString() ?? "null");
        return row;
    }

    public static ConversationVariableRecord ToVariable(TableEntity r) => new(
        r.GetString("Id")!, r.GetString("ConversationId")!, r.GetString("Name")!, r.GetString("ValueType")!, JsonNode.Parse(LargeText.Get(r, "Value") ?? "null"),
        r.GetString("Description") ?? "", r.GetDateTimeOffset("CreatedAt")!.Value, r.GetDateTimeOffset("UpdatedAt")!.Value);

    /// <summary>Dify's value type of a variable first seen in a turn's output (as the SQLite store infers it).</summary>
    public static string TypeOf(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array[any]",
        _ => "string",
    };

    private static JsonObject ParseObject(string? json) => json is null ? [] : JsonNode.Parse(json)?.AsObject() ?? [];
}
