namespace Dify.Storage.Feedback;

/// <summary>One feedback per message (the end user's); setting it again replaces it.</summary>
public interface IMessageFeedbackStore
{
    Task UpsertAsync(MessageFeedbackRecord feedback, CancellationToken cancellationToken);

    /// <summary>False when the message had no feedback.</summary>
    Task<bool> DeleteAsync(string messageId, CancellationToken cancellationToken);

    Task<MessageFeedbackRecord?> GetAsync(string messageId, CancellationToken cancellationToken);
}
