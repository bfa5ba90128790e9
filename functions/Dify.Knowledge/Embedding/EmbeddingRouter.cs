using Dify.Models.Embeddings;

namespace Dify.Knowledge.Embedding;

/// <summary>
/// Sends provider <see cref="HashingEmbeddingModel.ProviderName"/> to the embedded embedder and every other provider
/// to the configured model providers (when there are any).
/// </summary>
public sealed class EmbeddingRouter(HashingEmbeddingModel embedded, IEmbeddingModel? providers = null) : IEmbeddingModel
{
    public Task<EmbeddingResult> EmbedAsync(string provider, string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        if (string.Equals(provider, HashingEmbeddingModel.ProviderName, StringComparison.OrdinalIgnoreCase))
            return embedded.EmbedAsync(provider, model, inputs, cancellationToken);
        if (providers is null)
            throw new Dify.Models.Chat.ModelProviderException(provider, $"No embedding provider '{provider}' is configured; only '{HashingEmbeddingModel.ProviderName}' is available.");
        return providers.EmbedAsync(provider, model, inputs, cancellationToken);
    }
}
