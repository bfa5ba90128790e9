namespace Dify.Cloud.Configuration;

/// <summary>
/// Section <c>Search</c> (app settings <c>Search__*</c>): Azure AI Search as the knowledge index. Empty
/// <see cref="Endpoint"/>: no cloud index (knowledge-retrieval nodes and the document trigger say so when used).
/// </summary>
public sealed class CloudSearchOptions
{
    public const string SectionName = "Search";

    /// <summary><c>https://&lt;service&gt;.search.windows.net</c>.</summary>
    public Uri? Endpoint { get; set; }

    public string IndexName { get; set; } = "dify-knowledge";

    /// <summary>Only for local or key-based services; Azure uses the identity (keys are disabled by the Bicep).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Size of the vectors the index stores; must equal the embedding model's output (384 for the embedded embedder).</summary>
    public int VectorDimensions { get; set; } = 384;

    /// <summary>Rerank hybrid results with the semantic ranker (enabled on the service by the Bicep).</summary>
    public bool UseSemanticRanker { get; set; }

    /// <summary>SDK transport and retry settings (not from configuration; a host or test may adjust them).</summary>
    public Azure.Search.Documents.SearchClientOptions ClientOptions { get; set; } = new();
}
