using System.Text.Json.Nodes;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// Where the JSON attributes of a dataset (<c>documentId</c> null) or a document live: the knowledge file locally
/// (<see cref="KnowledgeAttributes"/>), Table storage in Azure. Tags and metadata field definitions are kept in them,
/// so <see cref="KnowledgeTags"/> and <see cref="DatasetMetadata"/> run unchanged on either.
/// </summary>
public interface IKnowledgeAttributeStore
{
    Task<JsonObject?> GetAsync(string datasetId, string? documentId, CancellationToken cancellationToken);

    Task SetAsync(string datasetId, string? documentId, JsonObject attributes, CancellationToken cancellationToken);
}
