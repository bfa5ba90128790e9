using System.Text.Json.Nodes;
using Dify.Storage.Conversations;

namespace Dify.Storage.Sqlite;

/// <summary>Sets a conversation variable's value in the API database (the row the runs read at their next turn).</summary>
public sealed class SqliteConversationVariableWriter(SqliteDatabase db) : IConversationVariableWriter
{
    public async Task<ConversationVariableRecord?> SetValueAsync(string conversationId, string variableId, JsonNode? value, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var update = connection.Command("UPDATE conversation_variables SET value = $value, updated_at = $at WHERE conversation_id = $conversation AND id = $id"))
        {
            update.With("$value", value?.ToJsonString() ?? "null").With("$at", at).With("$conversation", conversationId).With("$id", variableId);
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0) return null;
        }
        await using var read = connection.Command("SELECT id, conversation_id, name, value_type, value, description, created_at, updated_at FROM conversation_variables WHERE conversation_id = $conversation AND id = $id")
            .With("$conversation", conversationId).With("$id", variableId);
        return (await read.ReadAllAsync(r => new ConversationVariableRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
            r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)), r.GetString(5), r.Time(6), r.Time(7)), cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }
}
