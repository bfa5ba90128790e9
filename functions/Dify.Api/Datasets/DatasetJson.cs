using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Dify.Workflows.Knowledge;

namespace Dify.Api.Datasets;

/// <summary>Dify's Dataset object (dataset_detail_fields): what the engine keeps, Dify's defaults for the rest.</summary>
internal static class DatasetJson
{
    public static JsonObject Write(DatasetRecord dataset, JsonObject? attributes, IReadOnlyList<DocumentRecord> documents, IReadOnlyList<KnowledgeTag>? tags = null)
    {
        var a = attributes ?? [];
        var technique = a.ContainsKey("indexing_technique") ? a["indexing_technique"]?.GetValue<string>() : DatasetRecord.ToDify(dataset.IndexingTechnique);
        var available = documents.Count(d => d.Searchable);
        var createdAt = a["created_at"]?.GetValue<long>() ?? 0;
        return new JsonObject
        {
            ["id"] = dataset.Id,
            ["name"] = dataset.Name,
            ["description"] = dataset.Description ?? "",
            ["provider"] = a["provider"]?.GetValue<string>() ?? "vendor",
            ["permission"] = a["permission"]?.GetValue<string>() ?? "only_me",
            ["data_source_type"] = documents.Count > 0 ? "upload_file" : null,
            ["indexing_technique"] = technique,
            ["app_count"] = 0,
            ["document_count"] = documents.Count,
            ["word_count"] = documents.Sum(d => d.WordCount),
            ["created_by"] = a["created_by"]?.GetValue<string>() ?? "",
            ["author_name"] = "",
            ["created_at"] = createdAt,
            ["updated_by"] = a["updated_by"]?.GetValue<string>(),
            ["updated_at"] = a["updated_at"]?.GetValue<long>() ?? createdAt,
            ["embedding_model"] = technique == "economy" ? null : dataset.EmbeddingModel,
            ["embedding_model_provider"] = technique == "economy" ? null : dataset.EmbeddingProvider,
            ["embedding_available"] = true,
            ["retrieval_model_dict"] = RetrievalModel(dataset.RetrievalSettings),
            ["summary_index_setting"] = a["summary_index_setting"]?.DeepClone(),
            ["tags"] = new JsonArray([.. (tags ?? []).Select(t => (JsonNode)new JsonObject { ["id"] = t.Id, ["name"] = t.Name, ["type"] = "knowledge" })]),
            ["doc_form"] = a["doc_form"]?.GetValue<string>(),
            ["external_knowledge_info"] = new JsonObject
            {
                ["external_knowledge_id"] = null,
                ["external_knowledge_api_id"] = null,
                ["external_knowledge_api_name"] = null,
                ["external_knowledge_api_endpoint"] = null,
            },
            ["external_retrieval_model"] = new JsonObject { ["top_k"] = 2, ["score_threshold"] = 0.0, ["score_threshold_enabled"] = false },
            ["doc_metadata"] = a["metadata_fields"]?.DeepClone() ?? new JsonArray(),
            ["built_in_field_enabled"] = a["built_in_field_enabled"]?.GetValue<bool>() ?? false,
            ["pipeline_id"] = null,
            ["runtime_mode"] = "general",
            ["chunk_structure"] = null,
            ["icon_info"] = null,
            ["is_published"] = false,
            ["total_documents"] = documents.Count,
            ["total_available_documents"] = available,
            ["enable_api"] = true,
            ["is_multimodal"] = false,
        };
    }

    /// <summary>retrieval_model_dict: Dify's dataset_retrieval_model_fields, every one from the stored settings.</summary>
    public static JsonObject RetrievalModel(DatasetRetrievalSettings settings) => RetrievalJson.ToJson(settings);
}
