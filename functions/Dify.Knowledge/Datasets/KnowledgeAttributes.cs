using System.Text.Json.Nodes;
using Dify.Knowledge.Storage;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// JSON attributes kept beside a dataset (<c>documentId</c> null) or a document, for the Dify fields the engine does
/// not use itself (permission, batch, position, data source...). Deleted with their document or dataset.
/// </summary>
public sealed class KnowledgeAttributes(KnowledgeDatabase database) : IKnowledgeAttributeStore
{
    public async Task<JsonObject?> GetAsync(string datasetId, string? documentId, CancellationToken cancellationToken)
    {
        await using var lease = await database.ReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT json FROM attributes WHERE dataset_id = $dataset AND document_id = $doc";
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId ?? "");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? JsonNode.Parse(json) as JsonObject : null;
    }

    /// <summary>The attributes of every document of the dataset that has some, by document id.</summary>
    public async Task<Dictionary<string, JsonObject>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        await using var lease = await database.ReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = "SELECT document_id, json FROM attributes WHERE dataset_id = $dataset AND document_id <> ''";
        command.Parameters.AddWithValue("$dataset", datasetId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            if (JsonNode.Parse(reader.GetString(1)) is JsonObject o) result[reader.GetString(0)] = o;
        return result;
    }

    public async Task SetAsync(string datasetId, string? documentId, JsonObject attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        await using var lease = await database.WriteAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = "INSERT INTO attributes(dataset_id, document_id, json) VALUES($dataset, $doc, $json) ON CONFLICT(dataset_id, document_id) DO UPDATE SET json = excluded.json";
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId ?? "");
        command.Parameters.AddWithValue("$json", attributes.ToJsonString());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
