namespace Dify.Models.Rerank;

/// <summary>One document's relevance to the query: <see cref="Index"/> is its position in the request.</summary>
public sealed record RerankScore(int Index, double RelevanceScore);

/// <summary>Scores best first, at most top_n of them.</summary>
public sealed record RerankResult(IReadOnlyList<RerankScore> Results);

/// <summary>Scores documents against a query with a rerank (cross-encoder) model of one configured provider.</summary>
public interface IRerankModel
{
    /// <param name="topN">How many scores to return (null: all).</param>
    Task<RerankResult> RerankAsync(string provider, string model, string query, IReadOnlyList<string> documents, int? topN, CancellationToken cancellationToken);
}
