using System.Numerics.Tensors;
using Dify.Knowledge.Datasets;
using Dify.Models.Embeddings;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Embedding;

/// <summary>
/// The query's vector once per embedding model the searched datasets use, L2-normalised (both indexes compare with
/// cosine). Shared by the embedded and the Azure AI Search index so their semantic results agree.
/// </summary>
internal static class QueryEmbeddings
{
    /// <param name="dimensions">When not null, a model answering with another width is refused naming <paramref name="indexName"/>.</param>
    public static async Task<Dictionary<string, float[]>> EmbedAsync(
        IEmbeddingModel? model, string query, IEnumerable<DatasetRecord> datasets, int? dimensions, string? indexName, CancellationToken ct)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var dataset in datasets.DistinctBy(d => d.EmbeddingKey))
        {
            if (model is null)
                throw new KnowledgeRetrievalException("Semantic search needs an embedding model, and this knowledge index has none.");
            EmbeddingResult embedded;
            try
            {
                embedded = await model.EmbedAsync(dataset.EmbeddingProvider, dataset.EmbeddingModel, [query], ct).ConfigureAwait(false);
            }
            catch (Dify.Models.Chat.ModelProviderException e)
            {
                throw new KnowledgeRetrievalException($"Could not embed the query with {dataset.EmbeddingKey}: {e.Message}", e);
            }
            if (embedded.Vectors.Count != 1) throw new KnowledgeRetrievalException($"The embedding model returned {embedded.Vectors.Count} vectors for 1 input.");
            var vector = embedded.Vectors[0].ToArray();
            if (dimensions is { } width && vector.Length != width)
                throw new KnowledgeRetrievalException($"{dataset.EmbeddingKey} returns {vector.Length}-dimension vectors, but index '{indexName}' holds {width}.");
            var norm = TensorPrimitives.Norm<float>(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
            result[dataset.EmbeddingKey] = vector;
        }
        return result;
    }
}
