using System.Text.Json.Nodes;

namespace Dify.Workflows.Knowledge;

/// <summary>Dify's search methods (retrieval_model.search_method).</summary>
public enum SearchMethod { Semantic, FullText, Hybrid, Keyword }

public static class SearchMethods
{
    public static string ToDify(this SearchMethod method) => method switch
    {
        SearchMethod.Semantic => "semantic_search",
        SearchMethod.FullText => "full_text_search",
        SearchMethod.Hybrid => "hybrid_search",
        _ => "keyword_search",
    };

    /// <summary>
    /// With a rerank model, whether the score threshold also filters the retrieved candidates before reranking: Dify's
    /// RetrievalService passes it to the vector search only (full-text candidates are unfiltered; hybrid combines
    /// scores we would compare against a threshold meant for rerank scores). It always applies to rerank scores.
    /// </summary>
    public static bool ThresholdsCandidatesBeforeRerank(this SearchMethod method) => method == SearchMethod.Semantic;

    public static SearchMethod? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "semantic_search" or "semantic" => SearchMethod.Semantic,
        "full_text_search" or "full_text" or "fulltext" => SearchMethod.FullText,
        "hybrid_search" or "hybrid" => SearchMethod.Hybrid,
        "keyword_search" or "keyword" => SearchMethod.Keyword,
        _ => null,
    };
}

/// <summary>vector_weight·semantic score + keyword_weight·keyword score (weighted_score reranking, hybrid search).</summary>
public sealed record RetrievalWeights(double VectorWeight, double KeywordWeight)
{
    /// <summary>Dify's semantic_first preset.</summary>
    public static RetrievalWeights SemanticFirst { get; } = new(0.7, 0.3);
}

public enum RerankingMode { None, WeightedScore, RerankingModel }

/// <summary>How the merged candidates are re-scored. A port that cannot run the rerank model keeps retrieval scores.</summary>
public sealed record RerankingSettings(RerankingMode Mode, RetrievalWeights? Weights = null, string? RerankProvider = null, string? RerankModel = null)
{
    public static RerankingSettings None { get; } = new(RerankingMode.None);
}

/// <summary>One metadata condition: {name, comparison_operator, value} with Dify's operators (is, contains, =, ≥, before...).</summary>
public sealed record MetadataCondition(string Name, string ComparisonOperator, JsonNode? Value);

/// <summary>Conditions joined by "and" or "or".</summary>
public sealed record MetadataFilter(string LogicalOperator, IReadOnlyList<MetadataCondition> Conditions);

/// <summary>
/// A search across one or more datasets. <see cref="SearchMethod"/> null means each dataset's own method.
/// The port applies the metadata filter, scoring, reranking, then <see cref="ScoreThreshold"/> and <see cref="TopK"/>.
/// </summary>
public sealed record KnowledgeQuery(
    IReadOnlyList<string> DatasetIds,
    string Query,
    int TopK,
    SearchMethod? SearchMethod = null,
    double? ScoreThreshold = null,
    RerankingSettings? Reranking = null,
    MetadataFilter? MetadataFilter = null);
