using Dify.Storage.Feedback;

namespace Dify.Storage.Sqlite;

/// <summary>Message feedbacks in the API database.</summary>
public sealed class SqliteMessageFeedbackStore(SqliteDatabase db) : IMessageFeedbackStore
{
    private const string Columns = "message_id, app_id, end_user_id, rating, content, created_at, updated_at";

    public async Task UpsertAsync(MessageFeedbackRecord feedback, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var upsert = connection.Command($"""
            INSERT INTO message_feedbacks ({Columns}) VALUES ($message, $app, $user, $rating, $content, $created, $updated)
            ON CONFLICT (message_id) DO UPDATE SET rating = excluded.rating, content = excluded.content, updated_at = excluded.updated_at
            """)
            .With("$message", feedback.MessageId).With("$app", feedback.AppId).With("$user", feedback.EndUserId).With("$rating", feedback.Rating)
            .With("$content", feedback.Content).With("$created", feedback.CreatedAt).With("$updated", feedback.UpdatedAt);
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.Command("DELETE FROM message_feedbacks WHERE message_id = $message").With("$message", messageId);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<MessageFeedbackRecord?> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM message_feedbacks WHERE message_id = $message").With("$message", messageId);
        return (await command.ReadAllAsync(r => new MessageFeedbackRecord(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.StringOrNull(4), r.Time(5), r.Time(6)), cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
    }
}
