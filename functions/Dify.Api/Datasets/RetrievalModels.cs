using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Workflows.Knowledge;

namespace Dify.Api.Datasets;

/// <summary>Dify's retrieval_model JSON to the engine's settings and query options.</summary>
internal static class RetrievalModels
{
    public static DatasetRetrievalSettings Settings(JsonObject? model, DatasetRetrievalSettings fallback)
    {
        if (model is null) return fallback;
        var method = JsonArgs.String(model, "search_method") is { } m
            ? SearchMethods.Parse(m) ?? throw ApiErrors.InvalidParam("Invalid search method.")
            : fallback.SearchMethod;
        var topK = JsonArgs.Int(model, "top_k") ?? fallback.TopK;
        if (topK is < 1 or > 100) throw ApiErrors.InvalidParam("top_k must be between 1 and 100");
        double? threshold = JsonArgs.Bool(model, "score_threshold_enabled") switch
        {
            true => JsonArgs.Double(model, "score_threshold") ?? 0,
            false => null,
            null => fallback.ScoreThreshold,
        };
        return new DatasetRetrievalSettings(method, topK, threshold, Weights(model) ?? fallback.Weights);
    }

    public static RetrievalWeights? Weights(JsonObject model)
    {
        if (JsonArgs.Object(model, "weights") is not { } w) return null;
        var vector = w["vector_setting"] is JsonObject v ? JsonArgs.Double(v, "vector_weight") : null;
        var keyword = w["keyword_setting"] is JsonObject k ? JsonArgs.Double(k, "keyword_weight") : null;
        if (vector is null && keyword is null) return null;
        return new RetrievalWeights(vector ?? 1 - keyword!.Value, keyword ?? 1 - vector!.Value);
    }

    /// <summary>reranking_enable / reranking_mode: weighted_score re-scores with the weights; a rerank model keeps the scores here.</summary>
    public static RerankingSettings? Reranking(JsonObject? model)
    {
        if (model is null) return null;
        var mode = JsonArgs.String(model, "reranking_mode");
        if (mode == "weighted_score" && Weights(model) is { } weights) return new RerankingSettings(RerankingMode.WeightedScore, weights);
        if (JsonArgs.Bool(model, "reranking_enable") == true && model["reranking_model"] is JsonObject r)
            return new RerankingSettings(RerankingMode.RerankingModel, null,
                r["reranking_provider_name"]?.GetValue<string>(), r["reranking_model_name"]?.GetValue<string>());
        return null;
    }

    /// <summary>metadata_filtering_conditions: {logical_operator, conditions:[{name, comparison_operator, value}]}.</summary>
    public static MetadataFilter? Filter(JsonObject? model)
    {
        if (model is null || JsonArgs.Object(model, "metadata_filtering_conditions") is not { } f) return null;
        var conditions = new List<MetadataCondition>();
        foreach (var c in JsonArgs.Array(f, "conditions") ?? [])
        {
            if (c is not JsonObject o) throw ApiErrors.InvalidParam("metadata_filtering_conditions.conditions must be objects");
            conditions.Add(new MetadataCondition(JsonArgs.RequiredString(o, "name"), JsonArgs.RequiredString(o, "comparison_operator"), o["value"]?.DeepClone()));
        }
        return conditions.Count == 0 ? null : new MetadataFilter(JsonArgs.String(f, "logical_operator") ?? "and", conditions);
    }
}
