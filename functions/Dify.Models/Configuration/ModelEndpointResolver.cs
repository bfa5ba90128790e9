using Dify.Models.Chat;

namespace Dify.Models.Configuration;

/// <summary>
/// Maps a DSL provider to a configured endpoint. A provider entry without Endpoint inherits Default's endpoint
/// (and Default's key when it has none); a provider entry with its own Endpoint never receives Default's key.
/// </summary>
public sealed class ModelEndpointResolver
{
    private readonly ModelEndpointOptions _default;
    private readonly Dictionary<string, ModelEndpointOptions> _providers;

    public ModelEndpointResolver(ModelsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _default = options.Default ?? new ModelEndpointOptions();
        _providers = new Dictionary<string, ModelEndpointOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, endpoint) in options.Providers ?? [])
        {
            if (endpoint is not null)
            {
                _providers[ProviderNames.Normalize(name)] = endpoint;
            }
        }
    }

    public ResolvedModelEndpoint Resolve(string? provider)
    {
        var name = ProviderNames.Normalize(provider);
        var displayName = name.Length == 0 ? "default" : name;
        if (_providers.TryGetValue(name, out var specific))
        {
            var ownEndpoint = !string.IsNullOrWhiteSpace(specific.Endpoint);
            return Build(
                displayName,
                ownEndpoint ? specific.Endpoint : _default.Endpoint,
                ownEndpoint ? specific.ApiKey : specific.ApiKey ?? _default.ApiKey,
                specific.Model ?? _default.Model,
                specific.ApiKeyHeader ?? (ownEndpoint ? null : _default.ApiKeyHeader),
                specific.MaxTokensField ?? (ownEndpoint ? null : _default.MaxTokensField),
                isDefault: false);
        }

        return Build(displayName, _default.Endpoint, _default.ApiKey, _default.Model, _default.ApiKeyHeader, _default.MaxTokensField, isDefault: true);
    }

    private static ResolvedModelEndpoint Build(
        string provider, string? endpoint, string? apiKey, string? model, string? header, string? maxTokensField, bool isDefault)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw new ModelProviderException(
                provider,
                $"No model endpoint configured for provider '{provider}': set Models:Default:Endpoint (env Models__Default__Endpoint) " +
                $"and Models:Default:ApiKey, or Models:Providers:{provider}:Endpoint (env Models__Providers__{provider}__Endpoint).");
        }

        if (!Uri.TryCreate(endpoint.Trim().TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ModelProviderException(provider, $"Model endpoint for provider '{provider}' is not an absolute http(s) URL: '{endpoint}'.");
        }

        return new ResolvedModelEndpoint(
            provider,
            uri,
            string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim(),
            string.IsNullOrWhiteSpace(model) ? null : model.Trim(),
            string.IsNullOrWhiteSpace(header) ? null : header.Trim(),
            string.IsNullOrWhiteSpace(maxTokensField) ? null : maxTokensField.Trim(),
            isDefault);
    }
}
