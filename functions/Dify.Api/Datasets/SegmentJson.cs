using System.Text.Json.Nodes;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;

namespace Dify.Api.Datasets;

/// <summary>Dify's Segment object, its child chunks, and the records of a retrieve answer.</summary>
internal static class SegmentJson
{
    public static JsonObject Write(SegmentRecord s, DocumentRecord document, string? createdBy)
    {
        var children = new JsonArray();
        foreach (var c in s.ChildChunks) children.Add(Child(c, s.Id, document));
        var json = Common(s.Id, s.Position, s.DocumentId, s.Content, s.Hash, s.Enabled, s.Indexed, document, createdBy);
        json["answer"] = s.Answer;
        json["keywords"] = new JsonArray([.. (s.Keywords ?? []).Select(k => (JsonNode)k)]);
        json["hit_count"] = s.HitCount;
        json["updated_at"] = document.CompletedAt ?? document.CreatedAt;
        json["updated_by"] = null;
        json["child_chunks"] = children;
        json["attachments"] = new JsonArray();
        json["summary"] = null;
        return json;
    }

    /// <summary>Dify's ChildChunk object.</summary>
    public static JsonObject Child(ChildChunkRecord c, string segmentId, DocumentRecord document) => new()
    {
        ["id"] = c.Id,
        ["segment_id"] = segmentId,
        ["content"] = c.Content,
        ["position"] = c.Position,
        ["word_count"] = c.Content.Length,
        ["type"] = c.Type,
        ["created_at"] = document.CreatedAt,
        ["updated_at"] = document.CompletedAt ?? document.CreatedAt,
    };

    /// <summary>A record of <c>POST /datasets/{id}/retrieve</c>.</summary>
    public static JsonObject Record(KnowledgeHit hit, DocumentRecord? document, JsonObject? documentAttributes, SegmentRecord? stored = null)
    {
        var chunk = hit.Chunk;
        var segment = document is null
            ? Common(chunk.SegmentId, chunk.SegmentPosition, chunk.DocumentId, chunk.Content, chunk.IndexNodeHash ?? "", true, true, null, null)
            : Common(chunk.SegmentId, chunk.SegmentPosition, chunk.DocumentId, chunk.Content, chunk.IndexNodeHash ?? "", true, true, document,
                documentAttributes?["created_by"]?.GetValue<string>());
        if (stored is not null)
        {
            segment["answer"] = stored.Answer;
            segment["keywords"] = new JsonArray([.. (stored.Keywords ?? []).Select(k => (JsonNode)k)]);
            segment["hit_count"] = stored.HitCount;
        }
        segment["document"] = new JsonObject
        {
            ["id"] = chunk.DocumentId,
            ["data_source_type"] = documentAttributes?["data_source_type"]?.GetValue<string>() ?? chunk.DataSourceType,
            ["name"] = chunk.DocumentName,
            ["doc_type"] = null,
            ["doc_metadata"] = chunk.DocMetadata?.DeepClone(),
        };
        var children = new JsonArray();
        foreach (var c in hit.ChildChunks)
            children.Add(new JsonObject { ["id"] = c.Id, ["content"] = c.Content, ["position"] = c.Position, ["score"] = c.Score });
        return new JsonObject
        {
            ["segment"] = segment,
            ["child_chunks"] = children,
            ["score"] = chunk.Score,
            ["tsne_position"] = null,
            ["files"] = new JsonArray(),
            ["summary"] = chunk.Summary,
        };
    }

    private static JsonObject Common(
        string id, int position, string documentId, string content, string hash, bool enabled, bool indexed, DocumentRecord? document, string? createdBy)
    {
        var createdAt = document?.CreatedAt ?? 0;
        var completedAt = indexed ? document?.CompletedAt ?? createdAt : (long?)null;
        return new JsonObject
        {
            ["id"] = id,
            ["position"] = position,
            ["document_id"] = documentId,
            ["content"] = content,
            ["sign_content"] = content,
            ["answer"] = null,
            ["word_count"] = content.Length,
            ["tokens"] = DocumentJson.Tokens(content.Length),
            ["keywords"] = new JsonArray(),
            ["index_node_id"] = id,
            ["index_node_hash"] = hash,
            ["hit_count"] = 0,
            ["enabled"] = enabled,
            ["disabled_at"] = null,
            ["disabled_by"] = null,
            ["status"] = indexed ? "completed" : "indexing",
            ["created_by"] = createdBy ?? "",
            ["created_at"] = createdAt,
            ["indexing_at"] = document?.ProcessingStartedAt ?? createdAt,
            ["completed_at"] = completedAt,
            ["error"] = null,
            ["stopped_at"] = null,
        };
    }
}
