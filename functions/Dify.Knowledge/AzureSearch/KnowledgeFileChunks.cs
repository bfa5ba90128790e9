using System.Text.Json.Nodes;
using Dify.Knowledge.Storage;

namespace Dify.Knowledge.AzureSearch;

/// <summary>
/// Reads a document's indexed chunks, with their stored vectors, out of the knowledge file as <see cref="IndexedChunk"/>s:
/// the bridge that lets a host mirror what <see cref="Pipeline.KnowledgeIngestor"/> produced into an
/// <see cref="IKnowledgeIndexWriter"/> (e.g. after a document completes) until the ingestor writes there directly.
/// </summary>
public static class KnowledgeFileChunks
{
    public static async Task<IReadOnlyList<IndexedChunk>> ReadDocumentAsync(KnowledgeDatabase database, string datasetId, string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var result = new List<IndexedChunk>();
        await using var lease = await database.ReadAsync(cancellationToken).ConfigureAwait(false);
        await using var command = lease.Connection.CreateCommand();
        command.CommandText = """
            SELECT c.segment_id, c.position, c.child_position, c.kind, c.content, p.segment_id, e.vector, d.name, d.metadata_json, e.format
            FROM chunks c
            JOIN documents d ON d.dataset_id = c.dataset_id AND d.id = c.document_id
            LEFT JOIN chunks p ON p.id = c.parent_id
            LEFT JOIN embeddings e ON e.id = c.embedding_id
            WHERE c.dataset_id = $dataset AND c.document_id = $doc AND c.indexed = 1 AND c.enabled = 1
            ORDER BY c.id
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$doc", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var kind = reader.GetInt32(3) switch { 1 => IndexedChunkKind.Parent, 2 => IndexedChunkKind.Child, _ => IndexedChunkKind.Segment };
            result.Add(new IndexedChunk(
                datasetId, documentId, reader.GetString(7), reader.GetString(0), reader.GetInt32(1), reader.GetString(4),
                reader.IsDBNull(6) ? null : VectorBlob.Read((byte[])reader.GetValue(6), reader.GetInt64(9)), kind,
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(2),
                reader.IsDBNull(8) ? null : JsonNode.Parse(reader.GetString(8)) as JsonObject));
        }
        return result;
    }
}
