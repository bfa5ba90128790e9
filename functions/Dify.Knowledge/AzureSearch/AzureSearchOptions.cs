using Azure.Core;
using Azure.Search.Documents;

namespace Dify.Knowledge.AzureSearch;

/// <summary>Settings of <see cref="AzureSearchKnowledgeIndex"/> (Azure SDK style: set properties, then construct the client).</summary>
public sealed class AzureSearchOptions
{
    /// <summary>The search service, e.g. <c>https://my-search.search.windows.net</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The index holding every dataset's chunks. Default <c>dify-knowledge</c>.</summary>
    public string IndexName { get; set; } = "dify-knowledge";

    /// <summary>An admin or query key (sent as the <c>api-key</c> header). Leave null to use <see cref="Credential"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>An Entra ID credential (needs https; roles "Search Index Data Contributor", and "Search Service Contributor" to create the index).</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Size of <c>content_vector</c>: must equal the embedding models' output. Default 384 (the embedded hashing embedder).</summary>
    public int VectorDimensions { get; set; } = 384;

    /// <summary>Name of the semantic configuration created on <c>content</c> (title: <c>title</c>). Default <c>dify-semantic</c>.</summary>
    public string SemanticConfigurationName { get; set; } = "dify-semantic";

    /// <summary>Rerank hybrid_search results with the service's semantic ranker (a paid feature); scores become rerankerScore / 4.</summary>
    public bool UseSemanticRanker { get; set; }

    /// <summary>Documents per index request (the service takes at most 1000). Default 1000.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Candidates asked of each list per dataset: max(top_k × this, <see cref="MinCandidates"/>). Default 4.</summary>
    public int CandidateFactor { get; set; } = 4;

    /// <summary>Default 40.</summary>
    public int MinCandidates { get; set; } = 40;

    /// <summary>Extra widening of the candidate lists when some metadata conditions can only be checked after the search. Default 4.</summary>
    public int PostFilterFactor { get; set; } = 4;

    /// <summary>The k of the service's reciprocal rank fusion (60 in Azure AI Search); used to scale hybrid scores to 0..1.</summary>
    public int ReciprocalRankK { get; set; } = 60;

    /// <summary>Transport, retry (the SDK retries 408/429/500/502/503/504) and diagnostics settings of the SDK clients.</summary>
    public SearchClientOptions ClientOptions { get; set; } = new();

    internal void Validate()
    {
        if (Endpoint is null) throw new ArgumentException("AzureSearchOptions.Endpoint is required.");
        if (Endpoint.Scheme != Uri.UriSchemeHttps) throw new ArgumentException($"AzureSearchOptions.Endpoint must be https (Azure.Search.Documents refuses {Endpoint.Scheme}).");
        if (string.IsNullOrWhiteSpace(IndexName)) throw new ArgumentException("AzureSearchOptions.IndexName is required.");
        if (ApiKey is null && Credential is null) throw new ArgumentException("AzureSearchOptions needs an ApiKey or a Credential.");
        if (VectorDimensions is < 2 or > 3072) throw new ArgumentException("AzureSearchOptions.VectorDimensions must be 2..3072.");
        if (BatchSize is < 1 or > 1000) throw new ArgumentException("AzureSearchOptions.BatchSize must be 1..1000.");
    }
}
