namespace Dify.Workflows.Knowledge;

/// <summary>
/// A dataset's retrieval_model, every field Dify stores: used by a search that does not bring its own (single-mode
/// knowledge retrieval, the Dataset API's retrieve without retrieval_model, multiple mode per dataset's method).
/// </summary>
/// <param name="ScoreThreshold">The threshold in force; null when score_threshold_enabled is false.</param>
/// <param name="Weights">weights.vector_setting.vector_weight / keyword_setting.keyword_weight.</param>
/// <param name="Reranking">reranking_enable, reranking_mode, reranking_model; null when the stored JSON had none (written before they were kept).</param>
/// <param name="KeptScoreThreshold">score_threshold as stored while score_threshold_enabled is false (Dify keeps and returns it).</param>
/// <param name="WeightLabels">The rest of Dify's weights object: weight_type and the embedding model named in vector_setting.</param>
public sealed record DatasetRetrievalSettings(
    SearchMethod SearchMethod = SearchMethod.Semantic,
    int TopK = 4,
    double? ScoreThreshold = null,
    RetrievalWeights? Weights = null,
    DatasetReranking? Reranking = null,
    double? KeptScoreThreshold = null,
    WeightLabels? WeightLabels = null)
{
    public static DatasetRetrievalSettings Default { get; } = new();

    /// <summary>
    /// The re-scoring a search with these settings applies, as Dify's RetrievalService does: hybrid search in
    /// weighted_score mode combines with the weights; otherwise an enabled rerank model with a name reranks.
    /// </summary>
    public RerankingSettings EffectiveReranking()
    {
        var reranking = Reranking ?? DatasetReranking.Off;
        if (SearchMethod == SearchMethod.Hybrid && reranking.Mode == DatasetReranking.WeightedScoreMode)
            return Weights is { } weights ? new RerankingSettings(RerankingMode.WeightedScore, weights) : RerankingSettings.None;
        if (reranking.Enabled && !string.IsNullOrWhiteSpace(reranking.Model))
            return new RerankingSettings(RerankingMode.RerankingModel, null, reranking.Provider, reranking.Model);
        return RerankingSettings.None;
    }
}

/// <summary>Dify's reranking_enable, reranking_mode and reranking_model {reranking_provider_name, reranking_model_name}.</summary>
public sealed record DatasetReranking(bool Enabled = false, string? Mode = null, string Provider = "", string Model = "")
{
    public const string RerankingModelMode = "reranking_model";
    public const string WeightedScoreMode = "weighted_score";

    public static DatasetReranking Off { get; } = new();
}

/// <summary>weights.weight_type (semantic_first, keyword_first, customized) and vector_setting's embedding model names.</summary>
public sealed record WeightLabels(string? WeightType = null, string EmbeddingProvider = "", string EmbeddingModel = "");
