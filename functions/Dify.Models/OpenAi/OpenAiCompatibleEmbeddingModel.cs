#pragma warning disable SCME0001 // JsonPatch: asks for encoding_format=float, which every OpenAI-compatible server supports.
using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Logging;
using OpenAI.Embeddings;

namespace Dify.Models.OpenAi;

/// <summary>
/// <see cref="IEmbeddingModel"/> over the OpenAI SDK's EmbeddingClient (OpenAI, Azure OpenAI v1, Ollama, vLLM,
/// llama.cpp, TEI...). Inputs go out in batches of <see cref="ModelsOptions.EmbeddingBatchSize"/>, one batch at a
/// time; vectors come back in input order.
/// </summary>
public sealed class OpenAiCompatibleEmbeddingModel : IEmbeddingModel
{
    private readonly ModelEndpointResolver _resolver;
    private readonly OpenAiClientCache _clients;
    private readonly ModelsOptions _options;
    private readonly ILogger _logger;

    internal OpenAiCompatibleEmbeddingModel(ModelEndpointResolver resolver, OpenAiClientCache clients, ModelsOptions options, ILogger<OpenAiCompatibleEmbeddingModel> logger)
    {
        _resolver = resolver;
        _clients = clients;
        _options = options;
        _logger = logger;
    }

    public async Task<EmbeddingResult> EmbedAsync(string provider, string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        cancellationToken.ThrowIfCancellationRequested();
        var endpoint = _resolver.Resolve(provider);
        var modelName = endpoint.ModelFor(model);
        if (inputs.Count == 0)
        {
            return new EmbeddingResult([], 0);
        }

        var client = _clients.Get(endpoint).GetEmbeddingClient(modelName);
        var batchSize = Math.Max(1, _options.EmbeddingBatchSize);
        var vectors = new List<float[]>(inputs.Count);
        var promptTokens = 0;
        var batches = 0;
        try
        {
            for (var start = 0; start < inputs.Count; start += batchSize)
            {
                var batch = inputs.Skip(start).Take(batchSize).ToList();
                var options = new EmbeddingGenerationOptions();
                options.Patch.Set("$.encoding_format"u8, "float");
                var response = await client.GenerateEmbeddingsAsync(batch, options, cancellationToken).ConfigureAwait(false);
                var collection = response.Value;
                if (collection.Count != batch.Count)
                {
                    throw new InvalidOperationException($"expected {batch.Count} embeddings, got {collection.Count}");
                }

                vectors.AddRange(collection.OrderBy(e => e.Index).Select(e => e.ToFloats().ToArray()));
                promptTokens += collection.Usage?.InputTokenCount ?? 0;
                batches++;
            }
        }
        catch (Exception ex) when (ModelErrors.ShouldTranslate(ex, cancellationToken))
        {
            var error = ModelErrors.Translate(ex, endpoint.Provider, _options.TimeoutSeconds);
            ModelsLog.EmbeddingFailed(_logger, endpoint.Provider, modelName, endpoint.Endpoint, error.StatusCode, error.Message);
            throw error;
        }

        ModelsLog.Embedded(_logger, inputs.Count, endpoint.Provider, modelName, endpoint.Endpoint, batches, promptTokens);
        return new EmbeddingResult(vectors, promptTokens);
    }
}
