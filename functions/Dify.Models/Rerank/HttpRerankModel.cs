using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dify.Models.Chat;
using Dify.Models.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Models.Rerank;

/// <summary>
/// Rerank through the widely served <c>POST {endpoint}/rerank</c> API ({model, query, documents, top_n} →
/// results[{index, relevance_score}]): Jina, Cohere v1, Xinference, vLLM and Hugging Face TEI gateways speak it.
/// A provider must be configured by name (<c>Models:Providers:&lt;p&gt;:Endpoint</c>, ApiKey, ApiKeyHeader, Model):
/// unlike chat, rerank never falls back to Models:Default, whose chat endpoint has no rerank API. Retries 408/429/5xx
/// and network errors with exponential backoff (<see cref="ModelsOptions.MaxRetries"/>). Thread-safe.
/// </summary>
public sealed class HttpRerankModel : IRerankModel
{
    private readonly ModelsOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public HttpRerankModel(ModelsOptions options, HttpClient http, ILogger<HttpRerankModel> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public async Task<RerankResult> RerankAsync(string provider, string model, string query, IReadOnlyList<string> documents, int? topN, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var (name, endpoint) = Resolve(provider, model);
        if (documents.Count == 0) return new RerankResult([]);
        var body = new RerankRequest(endpoint.ModelFor(model), query, documents, topN, ReturnDocuments: false);
        var uri = new Uri(endpoint.Endpoint.AbsoluteUri.TrimEnd('/') + "/rerank");
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, RerankJsonContext.Default.RerankRequest) };
            if (endpoint.ApiKey is { } key)
            {
                if (endpoint.ApiKeyHeader is { } header) request.Headers.TryAddWithoutValidation(header, key);
                else request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (attempt < _options.MaxRetries)
            {
                RerankLog.Retrying(_logger, name, attempt + 1, e.Message);
                await Task.Delay(Delay(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new ModelProviderException(name, $"Rerank model {model} of provider '{name}' could not be reached: {e.Message}", null, e);
            }
            using (response)
            {
                if (Retryable(response.StatusCode) && attempt < _options.MaxRetries)
                {
                    RerankLog.Retrying(_logger, name, attempt + 1, $"HTTP {(int)response.StatusCode}");
                    await Task.Delay(Delay(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    throw new ModelProviderException(name,
                        $"Rerank model {model} of provider '{name}' failed with HTTP {(int)response.StatusCode}: {Truncate(text)}", (int)response.StatusCode);
                }
                var parsed = await response.Content.ReadFromJsonAsync(RerankJsonContext.Default.RerankResponse, cancellationToken).ConfigureAwait(false);
                return Validate(name, model, parsed, documents.Count);
            }
        }
    }

    /// <summary>Only a provider configured by name with its own endpoint; otherwise Dify's "credentials is not initialized".</summary>
    private (string Name, ResolvedModelEndpoint Endpoint) Resolve(string provider, string model)
    {
        var name = ProviderNames.Normalize(provider);
        if (name.Length == 0 || !_options.Providers.TryGetValue(name, out var configured) || string.IsNullOrWhiteSpace(configured?.Endpoint))
        {
            var shown = name.Length == 0 ? "(none)" : name;
            throw new ModelProviderException(shown,
                $"Model {model} credentials is not initialized: no rerank provider '{shown}' is configured " +
                $"(set Models:Providers:{shown}:Endpoint, env Models__Providers__{shown}__Endpoint, to a /rerank-compatible base URL).");
        }
        var resolved = new ModelEndpointResolver(new ModelsOptions { Providers = new() { [name] = configured } }).Resolve(name);
        return (name, resolved);
    }

    private static RerankResult Validate(string provider, string model, RerankResponse? parsed, int count)
    {
        if (parsed?.Results is not { } results)
            throw new ModelProviderException(provider, $"Rerank model {model} of provider '{provider}' answered without results.");
        foreach (var r in results)
        {
            if (r.Index < 0 || r.Index >= count)
                throw new ModelProviderException(provider, $"Rerank model {model} of provider '{provider}' returned index {r.Index} for {count} documents.");
        }
        return new RerankResult(results.OrderByDescending(r => r.RelevanceScore).Select(r => new RerankScore(r.Index, r.RelevanceScore)).ToList());
    }

    private static bool Retryable(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan Delay(int attempt) => TimeSpan.FromSeconds(_options.RetryBaseDelaySeconds * Math.Pow(2, attempt) * (0.8 + Random.Shared.NextDouble() * 0.4));

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

internal static partial class RerankLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Rerank provider {Provider} try {Attempt} failed ({Reason}); retrying")]
    public static partial void Retrying(ILogger logger, string provider, int attempt, string reason);
}
