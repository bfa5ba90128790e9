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
        var rows = new List<(IndexedChunk Chunk, long Ordinal)>();
        await using var lease = await database.ReadAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = lease.Connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.segment_id, c.position, c.child_position, c.kind, c.content, p.segment_id, COALESCE(c.embedding_id, -1), d.name, d.metadata_json
                FROM chunks c
                JOIN documents d ON d.dataset_id = c.dataset_id AND d.id = c.document_id
                LEFT JOIN chunks p ON p.id = c.parent_id
                WHERE c.dataset_id = $dataset AND c.document_id = $doc AND c.indexed = 1 AND c.enabled = 1
                ORDER BY c.id
                """;
            command.Parameters.AddWithValue("$dataset", datasetId);
            command.Parameters.AddWithValue("$doc", documentId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var kind = reader.GetInt32(3) switch { 1 => IndexedChunkKind.Parent, 2 => IndexedChunkKind.Child, _ => IndexedChunkKind.Segment };
                rows.Add((new IndexedChunk(
                    datasetId, documentId, reader.GetString(7), reader.GetString(0), reader.GetInt32(1), reader.GetString(4),
                    null, kind, reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(2),
                    reader.IsDBNull(8) ? null : JsonNode.Parse(reader.GetString(8)) as JsonObject), reader.GetInt64(6)));
            }
        }
        if (!rows.Any(r => r.Ordinal >= 0)) return rows.Select(r => r.Chunk).ToList();

        // Vectors come from the dataset's model file (chunks hold their ordinals).
        var dataset = await new Datasets.DatasetStore(database).GetAsync(datasetId, cancellationToken).ConfigureAwait(false);
        var file = dataset is null ? null : await database.Vectors.FindAsync(lease.Connection, dataset.EmbeddingKey, cancellationToken).ConfigureAwait(false);
        return rows.Select(r =>
        {
            if (file is null || r.Ordinal < 0 || r.Ordinal >= file.Count) return r.Chunk;
            var vector = new float[file.Dimensions];
            file.Read(r.Ordinal, vector);
            return r.Chunk with { Vector = vector };
        }).ToList();
    }
}
