using System.Text.Json.Nodes;
using Dify.Workflows.Knowledge;

namespace Dify.Workflows.Nodes.KnowledgeRetrieval;

/// <summary>The node's result items, shaped like Dify's (metadata._source = "knowledge", position from 1).</summary>
internal static class RetrievalResult
{
    public static JsonArray ToJson(IEnumerable<RetrievedChunk> chunks)
    {
        var result = new JsonArray();
        var position = 1;
        foreach (var c in chunks.OrderByDescending(c => c.Score))
        {
            var item = new JsonObject
            {
                ["content"] = c.Content,
                ["title"] = c.Title ?? c.DocumentName,
                ["metadata"] = new JsonObject
                {
                    ["_source"] = "knowledge",
                    ["position"] = position++,
                    ["dataset_id"] = c.DatasetId,
                    ["dataset_name"] = c.DatasetName,
                    ["document_id"] = c.DocumentId,
                    ["document_name"] = c.DocumentName,
                    ["data_source_type"] = c.DataSourceType,
                    ["segment_id"] = c.SegmentId,
                    ["retriever_from"] = "workflow",
                    ["score"] = c.Score,
                    ["segment_hit_count"] = c.HitCount,
                    ["segment_word_count"] = c.WordCount,
                    ["segment_position"] = c.SegmentPosition,
                    ["segment_index_node_hash"] = c.IndexNodeHash,
                    ["doc_metadata"] = c.DocMetadata?.DeepClone(),
                },
            };
            if (c.Summary is not null) item["summary"] = c.Summary;
            result.Add(item);
        }
        return result;
    }
}
