using Dify.Models.Chat;

namespace Dify.Models.Configuration;

/// <summary>The endpoint a provider resolved to. <see cref="ToString"/> never shows the key.</summary>
public sealed record ResolvedModelEndpoint(
    string Provider,
    Uri Endpoint,
    string? ApiKey,
    string? ForcedModel,
    string? ApiKeyHeader,
    string? MaxTokensField,
    bool IsDefault)
{
    /// <summary>The model to send: the forced one when configured, else the DSL's.</summary>
    public string ModelFor(string requestedModel) =>
        !string.IsNullOrWhiteSpace(ForcedModel) ? ForcedModel
        : !string.IsNullOrWhiteSpace(requestedModel) ? requestedModel
        : throw new ModelProviderException(Provider, $"No model name for provider '{Provider}': the DSL gives none and Models:Default:Model is not set.");

    public override string ToString() => $"{Provider} -> {Endpoint} ({(IsDefault ? "default" : "provider")})";
}
