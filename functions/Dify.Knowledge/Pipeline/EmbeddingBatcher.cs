using Dify.Models.Chat;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Logging;

namespace Dify.Knowledge.Pipeline;

/// <summary>Embeds many inputs in batches, waiting and retrying (exponential backoff with jitter) when the provider answers 429.</summary>
internal sealed class EmbeddingBatcher(IEmbeddingModel model, IngestionOptions options, ILogger logger)
{
    public async Task<IReadOnlyList<float[]>> EmbedAsync(string provider, string modelName, IReadOnlyList<string> inputs, CancellationToken ct)
    {
        var result = new List<float[]>(inputs.Count);
        // The in-process embedder has no request limit and spreads one call over every core: one call per batch.
        var size = provider == Embedding.HashingEmbeddingModel.ProviderName ? Math.Max(1, inputs.Count) : Math.Max(1, options.EmbeddingBatchSize);
        for (var start = 0; start < inputs.Count; start += size)
        {
            var batch = inputs.Skip(start).Take(size).ToList();
            var vectors = await EmbedBatchAsync(provider, modelName, batch, ct).ConfigureAwait(false);
            if (vectors.Count != batch.Count)
                throw new InvalidOperationException($"The embedding model returned {vectors.Count} vectors for {batch.Count} inputs.");
            result.AddRange(vectors);
        }
        return result;
    }

    private async Task<IReadOnlyList<float[]>> EmbedBatchAsync(string provider, string modelName, List<string> batch, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await model.EmbedAsync(provider, modelName, batch, ct).ConfigureAwait(false)).Vectors;
            }
            catch (ModelProviderException e) when (e.StatusCode == 429 && attempt < options.MaxRateLimitRetries)
            {
                var delay = options.RateLimitBaseDelay * Math.Pow(2, attempt) * (0.75 + Random.Shared.NextDouble() * 0.5);
                KnowledgeLog.RateLimited(logger, provider, attempt + 1, delay.TotalMilliseconds);
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }
}
