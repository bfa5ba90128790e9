using System.Text.Json.Nodes;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.KnowledgeRetrieval;

public sealed record MultipleRetrievalConfig(
    int TopK,
    double? ScoreThreshold,
    bool RerankingEnable,
    RerankingMode RerankingMode,
    string? RerankProvider,
    string? RerankModel,
    RetrievalWeights? Weights);

/// <summary>A manual metadata condition; string values may hold {{#node.var#}} references rendered at run time.</summary>
public sealed record MetadataConditionTemplate(string Name, string ComparisonOperator, JsonNode? Value);

public sealed record KnowledgeRetrievalNodeData(
    Selector? Query,
    IReadOnlyList<string> DatasetIds,
    bool SingleMode,
    MultipleRetrievalConfig Multiple,
    LlmModelConfig? RouterModel,
    string MetadataFilteringMode,
    string LogicalOperator,
    IReadOnlyList<MetadataConditionTemplate> Conditions)
{
    internal static KnowledgeRetrievalNodeData Parse(NodeDataReader reader)
    {
        var query = reader.Selector("query_variable_selector");
        var ids = reader.Array("dataset_ids").OfType<JsonValue>().Select(NodeDataReader.ScalarString).Where(s => s.Length > 0).ToList();
        var mode = reader.String("retrieval_mode")?.Trim().ToLowerInvariant() ?? "multiple";
        if (mode is not ("single" or "multiple")) reader.Problem("retrieval_mode", $"must be 'single' or 'multiple', got '{mode}'");

        var m = reader.Object("multiple_retrieval_config");
        var rerankModel = m?["reranking_model"] as JsonObject;
        var weights = m?["weights"] as JsonObject;
        var multiple = new MultipleRetrievalConfig(
            reader.Int(m, "top_k", 4, "multiple_retrieval_config.top_k"),
            reader.Double(m, "score_threshold", null, "multiple_retrieval_config.score_threshold"),
            NodeDataReader.Bool(m, "reranking_enable", fallback: true),
            reader.String(m, "reranking_mode", false, "multiple_retrieval_config.reranking_mode") == "weighted_score" ? RerankingMode.WeightedScore : RerankingMode.RerankingModel,
            reader.String(rerankModel, "provider", false, "multiple_retrieval_config.reranking_model.provider"),
            reader.String(rerankModel, "model", false, "multiple_retrieval_config.reranking_model.model"),
            weights is null ? null : new RetrievalWeights(
                reader.Double(weights["vector_setting"] as JsonObject, "vector_weight", 0.7, "multiple_retrieval_config.weights.vector_setting.vector_weight") ?? 0.7,
                reader.Double(weights["keyword_setting"] as JsonObject, "keyword_weight", 0.3, "multiple_retrieval_config.weights.keyword_setting.keyword_weight") ?? 0.3));

        LlmModelConfig? router = null;
        if (mode == "single")
            router = LlmModelConfig.Parse(reader, reader.Object("single_retrieval_config")?["model"] as JsonObject, "single_retrieval_config.model");

        var filterMode = reader.String("metadata_filtering_mode")?.Trim().ToLowerInvariant() ?? "disabled";
        var filter = reader.Object("metadata_filtering_conditions");
        var conditions = new List<MetadataConditionTemplate>();
        if (filterMode == "manual")
        {
            var items = reader.Array(filter, "conditions", false, "metadata_filtering_conditions.conditions");
            for (var i = 0; i < items.Count; i++)
            {
                var path = $"metadata_filtering_conditions.conditions[{i}]";
                if (items[i] is not JsonObject c) { reader.Problem(path, "must be an object"); continue; }
                var name = reader.String(c, "name", true, path + ".name");
                var op = reader.String(c, "comparison_operator", true, path + ".comparison_operator");
                if (name is not null && op is not null) conditions.Add(new MetadataConditionTemplate(name, op, c["value"]?.DeepClone()));
            }
        }
        return new KnowledgeRetrievalNodeData(query, ids, mode == "single", multiple, router, filterMode,
            reader.String(filter, "logical_operator", false, "metadata_filtering_conditions.logical_operator") ?? "and", conditions);
    }
}
