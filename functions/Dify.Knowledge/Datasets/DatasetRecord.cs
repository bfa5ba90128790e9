using Dify.Knowledge.Embedding;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Datasets;

/// <summary>Dify's indexing_technique: high_quality embeds chunks (semantic, full-text, hybrid); economy keeps full-text only.</summary>
public enum IndexingTechnique { HighQuality, Economy }

/// <summary>
/// A dataset: its name and description (what the single-mode router reads), how it is indexed, which embedding
/// model embeds it (default: the embedded <see cref="HashingEmbeddingModel"/>), and its default retrieval settings.
/// </summary>
public sealed record DatasetRecord(
    string Id,
    string Name,
    string? Description = null,
    IndexingTechnique IndexingTechnique = IndexingTechnique.HighQuality,
    string EmbeddingProvider = HashingEmbeddingModel.ProviderName,
    string EmbeddingModel = HashingEmbeddingModel.ModelName,
    DatasetRetrievalSettings? Retrieval = null)
{
    public DatasetRetrievalSettings RetrievalSettings => Retrieval ?? DatasetRetrievalSettings.Default;

    /// <summary>The key vectors are stored under: one vector per (model, content).</summary>
    public string EmbeddingKey => $"{EmbeddingProvider}/{EmbeddingModel}";

    public bool HasVectors => IndexingTechnique == IndexingTechnique.HighQuality;

    public DatasetInfo ToInfo() => new(Id, Name, Description, RetrievalSettings);

    public static string ToDify(IndexingTechnique technique) => technique == IndexingTechnique.Economy ? "economy" : "high_quality";

    public static IndexingTechnique ParseTechnique(string? value) =>
        string.Equals(value, "economy", StringComparison.OrdinalIgnoreCase) ? IndexingTechnique.Economy : IndexingTechnique.HighQuality;
}
