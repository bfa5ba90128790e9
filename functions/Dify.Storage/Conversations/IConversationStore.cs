namespace Dify.Storage.Conversations;

/// <summary>Conversations with their messages and conversation variables. Reads are scoped to an app and end user.</summary>
public interface IConversationStore
{
    /// <summary>Adds the conversation with its initial variables (one transaction).</summary>
    Task CreateAsync(ConversationRecord conversation, IReadOnlyList<ConversationVariableRecord> variables, CancellationToken cancellationToken);

    Task<ConversationRecord?> GetAsync(string appId, string endUserId, string id, CancellationToken cancellationToken);

    /// <summary>Conversations sorted by <paramref name="sortBy"/> (created_at, -created_at, updated_at, -updated_at), after <paramref name="lastId"/>.</summary>
    /// <returns>Null when <paramref name="lastId"/> is not one of the user's conversations.</returns>
    Task<Page<ConversationRecord>?> ListAsync(string appId, string endUserId, string? lastId, int limit, string sortBy, CancellationToken cancellationToken);

    /// <summary>Removes the conversation, its messages and variables. False when not found.</summary>
    Task<bool> DeleteAsync(string appId, string endUserId, string id, CancellationToken cancellationToken);

    Task<bool> RenameAsync(string appId, string endUserId, string id, string name, CancellationToken cancellationToken);

    /// <summary>Adds a message (normally with an empty answer while its run goes) and touches the conversation.</summary>
    Task AddMessageAsync(MessageRecord message, CancellationToken cancellationToken);

    Task<MessageRecord?> GetMessageAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <paramref name="limit"/> messages older than <paramref name="firstId"/> (or the newest overall),
    /// returned oldest first as Dify does; null when <paramref name="firstId"/> is not in the conversation.
    /// </summary>
    Task<Page<MessageRecord>?> ListMessagesAsync(string conversationId, string? firstId, int limit, CancellationToken cancellationToken);

    /// <summary>Finished messages, oldest first (the memory history of the next turn).</summary>
    Task<IReadOnlyList<MessageRecord>> HistoryAsync(string conversationId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ConversationVariableRecord>> GetVariablesAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Writes the message's answer and status and the conversation variables (one transaction). Idempotent.</summary>
    Task CompleteTurnAsync(TurnCompletion completion, CancellationToken cancellationToken);
}
