using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Dify.Models.Configuration;
using OpenAI;

namespace Dify.Models.OpenAi;

/// <summary>
/// One <see cref="OpenAIClient"/> (and so one HTTP pipeline) per endpoint + key, reused across calls.
/// Serves OpenAI (<c>https://api.openai.com/v1</c>), Azure OpenAI's v1 API
/// (<c>https://RESOURCE.openai.azure.com/openai/v1/</c>, key auth via Bearer or the <c>api-key</c> header),
/// and local OpenAI-compatible servers (Ollama, vLLM, llama.cpp; no key → no auth header).
/// </summary>
internal sealed class OpenAiClientCache(ModelsOptions options, HttpClient? httpClient)
{
    private readonly ConcurrentDictionary<ClientKey, OpenAIClient> _clients = new();

    public OpenAIClient Get(ResolvedModelEndpoint endpoint) =>
        _clients.GetOrAdd(new ClientKey(endpoint.Endpoint, endpoint.ApiKey, endpoint.ApiKeyHeader), Create);

    private OpenAIClient Create(ClientKey key)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = key.Endpoint,
            RetryPolicy = new BackoffRetryPolicy(Math.Max(0, options.MaxRetries), TimeSpan.FromSeconds(Math.Max(0, options.RetryBaseDelaySeconds))),
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds > 0 ? options.TimeoutSeconds : 120),
            UserAgentApplicationId = "dify-functions",
        };
        if (httpClient is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        // The AuthenticationPolicy constructor (OPENAI001) is what lets keyless local servers get no auth header
        // and Azure deployments get the api-key header.
#pragma warning disable OPENAI001
        return new OpenAIClient(AuthenticationFor(key), clientOptions);
#pragma warning restore OPENAI001
    }

    private static AuthenticationPolicy AuthenticationFor(ClientKey key)
    {
        if (key.ApiKey is null)
        {
            return new NoAuthenticationPolicy();
        }

        var credential = new ApiKeyCredential(key.ApiKey);
        return key.Header is null || key.Header.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
            ? ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(credential)
            : ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(credential, key.Header);
    }

    private readonly record struct ClientKey(Uri Endpoint, string? ApiKey, string? Header)
    {
        // Keys must never reach logs or exception messages.
        public override string ToString() => Endpoint.ToString();
    }

    /// <summary>For local servers without keys: sends no credentials.</summary>
    private sealed class NoAuthenticationPolicy : AuthenticationPolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNext(message, pipeline, currentIndex);

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex) =>
            ProcessNextAsync(message, pipeline, currentIndex);
    }
}
