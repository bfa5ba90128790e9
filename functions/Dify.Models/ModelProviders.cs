using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Models.Embeddings;
using Dify.Models.OpenAi;
using Dify.Models.Rerank;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dify.Models;

/// <summary>
/// The configured model providers: every provider goes through the OpenAI-compatible adapter, at the endpoint
/// <see cref="ModelsOptions"/> gives for it (or Models:Default). Thread-safe; meant to be a singleton.
/// </summary>
public sealed class ModelProviders : IModelProviders
{
    private readonly ModelEndpointResolver _resolver;

    /// <param name="options">The bound <c>Models</c> section (read once).</param>
    /// <param name="loggerFactory">Null → no logging.</param>
    /// <param name="httpClient">Optional shared HttpClient for all calls (not disposed here); null → the SDK's own.</param>
    public ModelProviders(IOptions<ModelsOptions> options, ILoggerFactory? loggerFactory = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        loggerFactory ??= NullLoggerFactory.Instance;
        _resolver = new ModelEndpointResolver(value);
        var clients = new OpenAiClientCache(value, httpClient);
        Chat = new OpenAiCompatibleChatModel(_resolver, clients, value, loggerFactory.CreateLogger<OpenAiCompatibleChatModel>());
        Embeddings = new OpenAiCompatibleEmbeddingModel(_resolver, clients, value, loggerFactory.CreateLogger<OpenAiCompatibleEmbeddingModel>());
        // One client for the provider's lifetime (a singleton): rerank calls reuse its connections.
        var rerankHttp = httpClient ?? new HttpClient { Timeout = TimeSpan.FromSeconds(value.TimeoutSeconds) };
        Rerank = new HttpRerankModel(value, rerankHttp, loggerFactory.CreateLogger<HttpRerankModel>());
    }

    public IChatModel Chat { get; }

    public IEmbeddingModel Embeddings { get; }

    /// <summary>Rerank models of providers configured by name (<c>Models:Providers:&lt;p&gt;:Endpoint</c> serving <c>/rerank</c>).</summary>
    public IRerankModel Rerank { get; }

    /// <summary>Where a DSL provider goes (for diagnostics, startup checks); throws ModelProviderException when unconfigured.</summary>
    public ResolvedModelEndpoint Resolve(string? provider) => _resolver.Resolve(provider);
}
