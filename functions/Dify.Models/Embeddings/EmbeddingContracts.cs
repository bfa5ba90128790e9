namespace Dify.Models.Embeddings;

public sealed record EmbeddingResult(IReadOnlyList<float[]> Vectors, int PromptTokens);

/// <summary>Text embeddings against one configured provider.</summary>
public interface IEmbeddingModel
{
    Task<EmbeddingResult> EmbedAsync(string provider, string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken);
}
