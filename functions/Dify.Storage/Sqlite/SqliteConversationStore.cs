using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Storage.Conversations;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>Conversations, messages and conversation variables in the API database.</summary>
public sealed class SqliteConversationStore(SqliteDatabase db) : IConversationStore
{
    private const string ConversationColumns = "id, app_id, end_user_id, name, inputs, status, created_at, updated_at";
    private const string MessageColumns = "id, conversation_id, app_id, query, answer, inputs, workflow_run_id, status, error, total_tokens, created_at";
    private const string VariableColumns = "id, conversation_id, name, value_type, value, description, created_at, updated_at";

    public async Task CreateAsync(ConversationRecord conversation, IReadOnlyList<ConversationVariableRecord> variables, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.Command($"INSERT INTO conversations ({ConversationColumns}) VALUES ($id, $app, $user, $name, $inputs, $status, $created, $updated)", tx))
        {
            insert.With("$id", conversation.Id).With("$app", conversation.AppId).With("$user", conversation.EndUserId).With("$name", conversation.Name)
                .With("$inputs", conversation.Inputs).With("$status", conversation.Status).With("$created", conversation.CreatedAt).With("$updated", conversation.UpdatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var v in variables)
        {
            await using var command = connection.Command($"INSERT INTO conversation_variables ({VariableColumns}) VALUES ($id, $conversation, $name, $type, $value, $description, $created, $updated)", tx);
            command.With("$id", v.Id).With("$conversation", conversation.Id).With("$name", v.Name).With("$type", v.ValueType)
                .With("$value", Json(v.Value)).With("$description", v.Description).With("$created", v.CreatedAt).With("$updated", v.UpdatedAt);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ConversationRecord?> GetAsync(string appId, string endUserId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {ConversationColumns} FROM conversations WHERE id = $id AND app_id = $app AND end_user_id = $user")
            .With("$id", id).With("$app", appId).With("$user", endUserId);
        return (await command.ReadAllAsync(MapConversation, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<Page<ConversationRecord>?> ListAsync(string appId, string endUserId, string? lastId, int limit, string sortBy, CancellationToken cancellationToken)
    {
        var descending = sortBy.StartsWith('-');
        var column = sortBy.TrimStart('-') == "created_at" ? "created_at" : "updated_at";
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = "app_id = $app AND end_user_id = $user";
        long? after = null;
        if (lastId is not null)
        {
            await using var last = connection.Command($"SELECT {column} FROM conversations WHERE id = $id AND app_id = $app AND end_user_id = $user")
                .With("$id", lastId).With("$app", appId).With("$user", endUserId);
            if (await last.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long value) return null;
            after = value;
            var op = descending ? "<" : ">";
            where += $" AND ({column} {op} $after OR ({column} = $after AND id {op} $last))";
        }
        var direction = descending ? "DESC" : "ASC";
        await using var command = connection.Command($"SELECT {ConversationColumns} FROM conversations WHERE {where} ORDER BY {column} {direction}, id {direction} LIMIT $limit")
            .With("$app", appId).With("$user", endUserId).With("$after", after).With("$last", lastId).With("$limit", limit + 1);
        var rows = await command.ReadAllAsync(MapConversation, cancellationToken).ConfigureAwait(false);
        return new Page<ConversationRecord>(rows.Take(limit).ToList(), rows.Count > limit);
    }

    public async Task<bool> DeleteAsync(string appId, string endUserId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("DELETE FROM conversations WHERE id = $id AND app_id = $app AND end_user_id = $user")
            .With("$id", id).With("$app", appId).With("$user", endUserId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<bool> RenameAsync(string appId, string endUserId, string id, string name, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE conversations SET name = $name WHERE id = $id AND app_id = $app AND end_user_id = $user")
            .With("$id", id).With("$app", appId).With("$user", endUserId).With("$name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task AddMessageAsync(MessageRecord message, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.Command($"INSERT INTO messages ({MessageColumns}) VALUES ($id, $conversation, $app, $query, $answer, $inputs, $run, $status, $error, $tokens, $at)", tx))
        {
            insert.With("$id", message.Id).With("$conversation", message.ConversationId).With("$app", message.AppId).With("$query", message.Query)
                .With("$answer", message.Answer).With("$inputs", message.Inputs).With("$run", message.WorkflowRunId).With("$status", message.Status)
                .With("$error", message.Error).With("$tokens", message.TotalTokens).With("$at", message.CreatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var touch = connection.Command("UPDATE conversations SET updated_at = MAX(updated_at, $at) WHERE id = $id", tx))
        {
            touch.With("$id", message.ConversationId).With("$at", message.CreatedAt);
            await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<MessageRecord?> GetMessageAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {MessageColumns} FROM messages WHERE id = $id").With("$id", id);
        return (await command.ReadAllAsync(MapMessage, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<Page<MessageRecord>?> ListMessagesAsync(string conversationId, string? firstId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        long before = long.MaxValue;
        if (firstId is not null)
        {
            await using var first = connection.Command("SELECT seq FROM messages WHERE id = $id AND conversation_id = $conversation")
                .With("$id", firstId).With("$conversation", conversationId);
            if (await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long seq) return null;
            before = seq;
        }
        await using var command = connection.Command($"SELECT {MessageColumns} FROM messages WHERE conversation_id = $conversation AND seq < $before ORDER BY seq DESC LIMIT $limit")
            .With("$conversation", conversationId).With("$before", before).With("$limit", limit + 1);
        var rows = await command.ReadAllAsync(MapMessage, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).Reverse().ToList();
        return new Page<MessageRecord>(page, rows.Count > limit);
    }

    public async Task<IReadOnlyList<MessageRecord>> HistoryAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {MessageColumns} FROM messages WHERE conversation_id = $conversation AND answer <> '' ORDER BY seq")
            .With("$conversation", conversationId);
        return await command.ReadAllAsync(MapMessage, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ConversationVariableRecord>> GetVariablesAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {VariableColumns} FROM conversation_variables WHERE conversation_id = $conversation ORDER BY created_at, rowid")
            .With("$conversation", conversationId);
        return await command.ReadAllAsync(MapVariable, cancellationToken).ConfigureAwait(false);
    }

    public async Task CompleteTurnAsync(TurnCompletion completion, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var message = connection.Command("UPDATE messages SET answer = $answer, status = $status, error = $error, total_tokens = $tokens WHERE id = $id", tx))
        {
            message.With("$id", completion.MessageId).With("$answer", completion.Answer).With("$status", completion.Status)
                .With("$error", completion.Error).With("$tokens", completion.TotalTokens);
            await message.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (name, value) in completion.Variables)
        {
            await using var upsert = connection.Command($"""
                INSERT INTO conversation_variables ({VariableColumns}) VALUES ($id, $conversation, $name, $type, $value, '', $at, $at)
                ON CONFLICT (conversation_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """, tx);
            upsert.With("$id", Guid.NewGuid().ToString()).With("$conversation", completion.ConversationId).With("$name", name)
                .With("$type", TypeOf(value)).With("$value", Json(value)).With("$at", completion.At);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var touch = connection.Command("UPDATE conversations SET updated_at = MAX(updated_at, $at) WHERE id = $id", tx))
        {
            touch.With("$id", completion.ConversationId).With("$at", completion.At);
            await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Json(JsonNode? value) => value?.ToJsonString() ?? "null";

    private static string TypeOf(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array[any]",
        _ => "string",
    };

    private static ConversationRecord MapConversation(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Object(4), r.GetString(5), r.Time(6), r.Time(7));

    private static MessageRecord MapMessage(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.Object(5), r.StringOrNull(6),
            r.GetString(7), r.StringOrNull(8), r.GetInt32(9), r.Time(10));

    private static ConversationVariableRecord MapVariable(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)),
            r.GetString(5), r.Time(6), r.Time(7));
}
