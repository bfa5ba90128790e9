using System.Text.Json.Nodes;

namespace Dify.Storage.Conversations;

/// <summary>Sets one conversation variable's value from outside a run (Service API <c>PUT /conversations/{id}/variables/{variable_id}</c>).</summary>
public interface IConversationVariableWriter
{
    /// <summary>The updated variable, or null when the conversation has no variable with that id.</summary>
    Task<ConversationVariableRecord?> SetValueAsync(string conversationId, string variableId, JsonNode? value, DateTimeOffset at, CancellationToken cancellationToken);
}
