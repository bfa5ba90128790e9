namespace Dify.Models.Configuration;

/// <summary>
/// Configuration section <c>Models</c>. Example (appsettings or env vars with <c>__</c>):
/// <code>
/// Models:Default:Endpoint = https://api.openai.com/v1         (env Models__Default__Endpoint)
/// Models:Default:ApiKey   = sk-...                             (env Models__Default__ApiKey)
/// Models:Default:Model    = gpt-4o-mini   (optional: forced for every call)
/// Models:Providers:azure_openai:Endpoint = https://my-resource.openai.azure.com/openai/v1/
/// Models:Providers:ollama:Endpoint = http://localhost:11434/v1
/// </code>
/// A DSL <c>model.provider</c> is normalised (last path segment, case-insensitive:
/// <c>langgenius/openai/openai</c> → <c>openai</c>); providers not listed use <see cref="Default"/>.
/// </summary>
public sealed class ModelsOptions
{
    public const string SectionName = "Models";

    /// <summary>The endpoint used for every provider that has no entry in <see cref="Providers"/>.</summary>
    public ModelEndpointOptions Default { get; set; } = new();

    /// <summary>Per-provider endpoints keyed by provider name (normalised the same way as DSL names).</summary>
    public Dictionary<string, ModelEndpointOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Retries on 408/429/5xx and network errors (exponential backoff, honours retry-after). Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay in seconds, doubled per retry (with jitter); a longer retry-after from the server wins. Default 0.8.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 0.8;

    /// <summary>Per-try network timeout in seconds. Default 120.</summary>
    public double TimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Prices by model name (the name sent to the provider, or the DSL's): <c>Models:Pricing:gpt-4o-mini:Input = 0.15</c>,
    /// <c>Output = 0.60</c>, <c>Unit = 0.000001</c>, <c>Currency = USD</c>. Unlisted models report zero prices.
    /// </summary>
    public Dictionary<string, ModelPriceOptions> Pricing { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Inputs per embeddings request. Default 64.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;
}

/// <summary>One OpenAI-compatible endpoint.</summary>
public sealed class ModelEndpointOptions
{
    /// <summary>
    /// The OpenAI-compatible base URL that <c>/chat/completions</c> and <c>/embeddings</c> are appended to:
    /// <c>https://api.openai.com/v1</c>, Azure OpenAI v1 <c>https://RESOURCE.openai.azure.com/openai/v1/</c>,
    /// Ollama <c>http://localhost:11434/v1</c>, vLLM / llama.cpp <c>http://host:8000/v1</c>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>API key; empty for local servers that need none (then no auth header is sent).</summary>
    public string? ApiKey { get; set; }

    /// <summary>When set, this model name replaces the DSL's model name on every call.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// Header carrying the key. Default: <c>Authorization: Bearer KEY</c> (OpenAI, Azure v1, local servers).
    /// Set <c>api-key</c> for Azure deployments that only accept that header.
    /// </summary>
    public string? ApiKeyHeader { get; set; }

    /// <summary>
    /// Wire field for <see cref="Chat.ChatParameters.MaxTokens"/>: <c>max_completion_tokens</c> (default, current
    /// OpenAI API, required by reasoning models) or <c>max_tokens</c> (older OpenAI-compatible servers).
    /// </summary>
    public string? MaxTokensField { get; set; }
}
