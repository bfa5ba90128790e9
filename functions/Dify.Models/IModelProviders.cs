using Dify.Models.Chat;
using Dify.Models.Embeddings;
using Dify.Models.Rerank;

namespace Dify.Models;

/// <summary>
/// Resolves a DSL's model.provider (e.g. "openai", "langgenius/openai/openai", "azure_openai") to a
/// configured endpoint. Providers not configured fall back to Models:Default.
/// </summary>
public interface IModelProviders
{
    IChatModel Chat { get; }
    IEmbeddingModel Embeddings { get; }

    /// <summary>Rerank models (providers configured by name only).</summary>
    IRerankModel Rerank { get; }
}
