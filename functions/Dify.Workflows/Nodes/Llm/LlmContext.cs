using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Values;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>The text that replaces {{#context#}} and the citations (retriever resources) it carries.</summary>
public sealed record LlmContext(string Text, JsonArray RetrieverResources)
{
    /// <summary>
    /// A string is used as is. An array (knowledge-retrieval's result) gives one line per item: its summary,
    /// then its content; items from a knowledge base also become retriever resources.
    /// </summary>
    public static LlmContext? From(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return new LlmContext(v.GetValue<string>(), []);
            case JsonArray items:
                var text = new StringBuilder();
                var resources = new JsonArray();
                foreach (var item in items)
                {
                    switch (item)
                    {
                        case JsonValue s when s.GetValueKind() == JsonValueKind.String:
                            text.Append(s.GetValue<string>()).Append('\n');
                            break;
                        case JsonObject o when o["content"] is JsonValue content:
                            if (o["summary"] is JsonValue summary && ValueText.ScalarText(summary) is { Length: > 0 } sum)
                                text.Append(sum).Append('\n');
                            text.Append(ValueText.ScalarText(content)).Append('\n');
                            if (ToRetrieverResource(o) is { } r) resources.Add(r);
                            break;
                        default:
                            throw new NodeExecutionException($"Invalid context structure: {item?.ToJsonString()}", "InvalidContextStructureError");
                    }
                }
                return new LlmContext(text.ToString().Trim(), resources);
            default:
                return new LlmContext(ValueText.ToText(value), []);
        }
    }

    /// <summary>Dify's retriever_resources item (the shape message_end.metadata carries), from a knowledge result item.</summary>
    private static JsonObject? ToRetrieverResource(JsonObject item)
    {
        if (item["metadata"] is not JsonObject m || m["_source"]?.ToString() != "knowledge") return null;
        return new JsonObject
        {
            ["position"] = m["position"]?.DeepClone(),
            ["dataset_id"] = m["dataset_id"]?.DeepClone(),
            ["dataset_name"] = m["dataset_name"]?.DeepClone(),
            ["document_id"] = m["document_id"]?.DeepClone(),
            ["document_name"] = m["document_name"]?.DeepClone(),
            ["data_source_type"] = m["data_source_type"]?.DeepClone(),
            ["segment_id"] = m["segment_id"]?.DeepClone(),
            ["retriever_from"] = m["retriever_from"]?.DeepClone(),
            ["score"] = m["score"]?.DeepClone(),
            ["hit_count"] = m["segment_hit_count"]?.DeepClone(),
            ["word_count"] = m["segment_word_count"]?.DeepClone(),
            ["segment_position"] = m["segment_position"]?.DeepClone(),
            ["index_node_hash"] = m["segment_index_node_hash"]?.DeepClone(),
            ["content"] = item["content"]?.DeepClone(),
            ["page"] = m["page"]?.DeepClone(),
            ["doc_metadata"] = m["doc_metadata"]?.DeepClone(),
            ["title"] = item["title"]?.DeepClone(),
            ["summary"] = item["summary"]?.DeepClone(),
            ["files"] = item["files"]?.DeepClone(),
        };
    }
}
