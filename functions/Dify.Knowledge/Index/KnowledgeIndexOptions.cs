namespace Dify.Knowledge.Index;

/// <summary>How hybrid search combines its semantic and full-text lists when no rerank model runs.</summary>
public enum HybridFusion
{
    /// <summary>vector_weight·cosine + keyword_weight·normalised BM25 (Dify's weighted_score).</summary>
    Weighted,

    /// <summary>Reciprocal rank fusion, scaled so a chunk first in both lists scores 1.</summary>
    ReciprocalRank,
}

/// <summary>Settings of <see cref="SqliteKnowledgeIndex"/>.</summary>
public sealed class KnowledgeIndexOptions
{
    /// <summary>How hybrid_search combines its lists (weighted uses the dataset's weights, else semantic_first 0.7/0.3). Default weighted.</summary>
    public HybridFusion HybridFusion { get; set; } = HybridFusion.Weighted;

    /// <summary>The k of reciprocal rank fusion. Default 60.</summary>
    public int ReciprocalRankK { get; set; } = 60;

    /// <summary>Candidates taken from each list per dataset: max(top_k × this, <see cref="MinCandidates"/>). Default 4.</summary>
    public int CandidateFactor { get; set; } = 4;

    /// <summary>Default 40.</summary>
    public int MinCandidates { get; set; } = 40;
}
