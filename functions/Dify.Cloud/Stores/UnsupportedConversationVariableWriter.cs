using System.Text.Json.Nodes;
using Dify.Cloud.Http;
using Dify.Storage.Conversations;

namespace Dify.Cloud.Stores;

/// <summary>
/// <c>PUT /v1/conversations/{id}/variables/{variable_id}</c> in the cloud: the Table conversation store has no
/// single-variable update yet, so the route answers 501 rather than pretending.
/// </summary>
public sealed class UnsupportedConversationVariableWriter : IConversationVariableWriter
{
    public Task<ConversationVariableRecord?> SetValueAsync(string conversationId, string variableId, JsonNode? value, DateTimeOffset at, CancellationToken cancellationToken) =>
        throw UnsupportedCloudRoutes.NotSupported("Updating a conversation variable is not supported by the Azure deployment yet.");
}
