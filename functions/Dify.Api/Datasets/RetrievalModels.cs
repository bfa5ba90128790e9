using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Workflows.Knowledge;

namespace Dify.Api.Datasets;

/// <summary>Dify's retrieval_model JSON to the engine's settings and query options.</summary>
internal static class RetrievalModels
{
    /// <summary>
    /// The settings a retrieval_model gives, each field absent from it kept from <paramref name="fallback"/>: search
    /// method, top_k, threshold (score_threshold is kept while disabled, as Dify stores it), weights and reranking.
    /// </summary>
    public static DatasetRetrievalSettings Settings(JsonObject? model, DatasetRetrievalSettings fallback)
    {
        if (model is null) return fallback;
        var method = JsonArgs.String(model, "search_method") is { } m
            ? SearchMethods.Parse(m) ?? throw ApiErrors.InvalidParam("Invalid search method.")
            : fallback.SearchMethod;
        var topK = JsonArgs.Int(model, "top_k") ?? fallback.TopK;
        if (topK is < 1 or > 100) throw ApiErrors.InvalidParam("top_k must be between 1 and 100");
        var given = JsonArgs.Double(model, "score_threshold");
        var (threshold, kept) = JsonArgs.Bool(model, "score_threshold_enabled") switch
        {
            true => (given ?? fallback.ScoreThreshold ?? fallback.KeptScoreThreshold ?? 0, (double?)null),
            false => ((double?)null, given ?? fallback.ScoreThreshold ?? fallback.KeptScoreThreshold),
            null => fallback.ScoreThreshold is not null ? (given ?? fallback.ScoreThreshold, null) : (null, given ?? fallback.KeptScoreThreshold),
        };
        // "weights": null clears them (Dify returns null for a model without weights); absent keeps them.
        var cleared = model.ContainsKey("weights") && model["weights"] is null;
        return new DatasetRetrievalSettings(method, topK, threshold, cleared ? null : Weights(model) ?? fallback.Weights, StoredReranking(model, fallback.Reranking),
            kept, cleared ? null : WeightLabels(model) ?? fallback.WeightLabels);
    }

    /// <summary>reranking_enable, reranking_mode, reranking_model as the dataset stores them; absent fields keep <paramref name="fallback"/>'s.</summary>
    private static DatasetReranking? StoredReranking(JsonObject model, DatasetReranking? fallback)
    {
        var mode = JsonArgs.String(model, "reranking_mode");
        if (mode is not (null or DatasetReranking.RerankingModelMode or DatasetReranking.WeightedScoreMode))
            throw ApiErrors.InvalidParam("reranking_mode must be reranking_model or weighted_score");
        var enabled = JsonArgs.Bool(model, "reranking_enable");
        var rerankModel = model["reranking_model"] switch
        {
            null => null,
            JsonObject o => o,
            _ => throw ApiErrors.InvalidParam("reranking_model must be an object {reranking_provider_name, reranking_model_name}"),
        };
        if (enabled is null && mode is null && rerankModel is null && !model.ContainsKey("reranking_mode")) return fallback;
        var before = fallback ?? DatasetReranking.Off;
        return new DatasetReranking(
            enabled ?? before.Enabled,
            model.ContainsKey("reranking_mode") ? mode : before.Mode,
            rerankModel is null ? before.Provider : JsonArgs.String(rerankModel, "reranking_provider_name") ?? "",
            rerankModel is null ? before.Model : JsonArgs.String(rerankModel, "reranking_model_name") ?? "");
    }

    private static WeightLabels? WeightLabels(JsonObject model)
    {
        if (JsonArgs.Object(model, "weights") is not { } w) return null;
        var vector = w["vector_setting"] as JsonObject;
        return new WeightLabels(JsonArgs.String(w, "weight_type"),
            vector is null ? "" : JsonArgs.String(vector, "embedding_provider_name") ?? "",
            vector is null ? "" : JsonArgs.String(vector, "embedding_model_name") ?? "");
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
