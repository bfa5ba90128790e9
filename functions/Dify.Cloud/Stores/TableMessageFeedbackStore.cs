using Dify.Storage.Azure.Tables;
using Dify.Storage.Feedback;

namespace Dify.Cloud.Stores;

/// <summary>Message feedback in table <c>{prefix}feedback</c>: partition <c>feedback</c>, one row per message.</summary>
public sealed class TableMessageFeedbackStore(CloudTables tables) : IMessageFeedbackStore
{
    private const string Partition = "feedback";

    public async Task UpsertAsync(MessageFeedbackRecord feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var row = new TableEntity(Partition, CloudTables.Key(feedback.MessageId))
        {
            { "MessageId", feedback.MessageId }, { "AppId", feedback.AppId }, { "EndUserId", feedback.EndUserId },
            { "Rating", feedback.Rating }, { "CreatedAt", feedback.CreatedAt }, { "UpdatedAt", feedback.UpdatedAt },
        };
        if (feedback.Content is not null) row["Content"] = feedback.Content;
        await tables.Client.UpsertAsync(tables.Feedback, row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(string messageId, CancellationToken cancellationToken) =>
        tables.Client.DeleteIfExistsAsync(tables.Feedback, Partition, CloudTables.Key(messageId), cancellationToken: cancellationToken);

    public async Task<MessageFeedbackRecord?> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.Feedback, Partition, CloudTables.Key(messageId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : new MessageFeedbackRecord(row.GetString("MessageId")!, row.GetString("AppId")!, row.GetString("EndUserId")!,
            row.GetString("Rating")!, row.GetString("Content"), row.GetDateTimeOffset("CreatedAt")!.Value, row.GetDateTimeOffset("UpdatedAt")!.Value);
    }
}
