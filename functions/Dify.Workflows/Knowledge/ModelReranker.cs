using Dify.Models.Chat;
using Dify.Models.Rerank;

namespace Dify.Workflows.Knowledge;

/// <summary>
/// Dify's reranking_model step (DataPostProcessor with a rerank model): the merged candidates are scored against the
/// query by the rerank model, the rerank score replaces the retrieval score, the score threshold applies to it, and
/// the best top_n remain. Shared by the Dataset API's retrieve and the knowledge-retrieval node.
/// </summary>
public sealed class ModelReranker(IRerankModel model)
{
    /// <summary>Reranks <paramref name="items"/>; throws <see cref="KnowledgeRetrievalException"/> when the model is missing or fails.</summary>
    /// <param name="content">What the model reads of an item (its text).</param>
    /// <param name="rescore">The item with the rerank score in place of its retrieval score.</param>
    public async Task<IReadOnlyList<T>> RerankAsync<T>(
        RerankingSettings settings, string query, IReadOnlyList<T> items, Func<T, string> content, Func<T, double, T> rescore,
        int topN, double? scoreThreshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(items);
        if (string.IsNullOrWhiteSpace(settings.RerankModel))
            throw new KnowledgeRetrievalException("reranking_model.reranking_model_name is required when reranking is enabled.");
        if (items.Count == 0) return [];
        RerankResult result;
        try
        {
            result = await model.RerankAsync(settings.RerankProvider ?? "", settings.RerankModel, query, items.Select(content).ToList(), topN, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ModelProviderException e)
        {
            throw new KnowledgeRetrievalException(e.Message, e);
        }
        return result.Results
            .Where(r => scoreThreshold is not { } t || r.RelevanceScore >= t)
            .OrderByDescending(r => r.RelevanceScore).ThenBy(r => r.Index)
            .Take(Math.Max(0, topN))
            .Select(r => rescore(items[r.Index], Math.Round(r.RelevanceScore, 6)))
            .ToList();
    }
}
