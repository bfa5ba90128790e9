using System.Diagnostics;
using Dify.Models.Chat;
using Dify.Models.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Models.OpenAi;

/// <summary>
/// <see cref="IChatModel"/> over the official OpenAI SDK's ChatClient. One adapter for OpenAI
/// (<c>https://api.openai.com/v1</c>), Azure OpenAI's v1 endpoint (<c>https://RESOURCE.openai.azure.com/openai/v1/</c>,
/// key auth) and any local OpenAI-compatible server (Ollama <c>http://localhost:11434/v1</c>, vLLM, llama.cpp).
/// Streams when <c>onDelta</c> is given (the SDK asks for usage in the stream: <c>stream_options.include_usage</c>).
/// <c>reasoning_content</c> (DeepSeek, vLLM, Ollama) is surfaced as <see cref="ChatDelta.Reasoning"/> /
/// <see cref="ChatCompletion.ReasoningContent"/>; models that inline <c>&lt;think&gt;</c> tags keep them in the text.
/// </summary>
public sealed class OpenAiCompatibleChatModel : IChatModel
{
    private readonly ModelEndpointResolver _resolver;
    private readonly OpenAiClientCache _clients;
    private readonly ModelsOptions _options;
    private readonly ModelPricing _pricing;
    private readonly ILogger _logger;

    internal OpenAiCompatibleChatModel(ModelEndpointResolver resolver, OpenAiClientCache clients, ModelsOptions options, ILogger<OpenAiCompatibleChatModel> logger)
    {
        _resolver = resolver;
        _clients = clients;
        _options = options;
        _pricing = new ModelPricing(options.Pricing ?? []);
        _logger = logger;
    }

    public async Task<ChatCompletion> CompleteAsync(ChatRequest request, Func<ChatDelta, ValueTask>? onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var endpoint = _resolver.Resolve(request.Provider);
        var model = endpoint.ModelFor(request.Model);
        var messages = ChatRequestMapper.Messages(request.Messages, endpoint.Provider);
        var options = ChatRequestMapper.Options(request, endpoint);
        var client = _clients.Get(endpoint).GetChatClient(model);
        var stopwatch = Stopwatch.StartNew();
        var callbackFailed = false;
        try
        {
            ChatCompletion result;
            if (onDelta is null)
            {
                var response = await client.CompleteChatAsync(messages, options, cancellationToken).ConfigureAwait(false);
                result = ChatResultMapper.FromCompletion(response.Value, model, stopwatch.Elapsed.TotalSeconds);
            }
            else
            {
                var accumulator = new StreamingChatAccumulator();
                await foreach (var update in client.CompleteChatStreamingAsync(messages, options, cancellationToken).ConfigureAwait(false))
                {
                    if (accumulator.Add(update) is { } delta)
                    {
                        try
                        {
                            await onDelta(delta).ConfigureAwait(false);
                        }
                        catch
                        {
                            callbackFailed = true; // the caller's own failure: not a provider error
                            throw;
                        }
                    }
                }

                result = accumulator.Build(model, stopwatch.Elapsed.TotalSeconds);
            }

            result = result with { Usage = _pricing.Price(result.Usage, model, request.Model) };
            ModelsLog.ChatCompleted(_logger, endpoint.Provider, model, endpoint.Endpoint, result.Usage.PromptTokens,
                result.Usage.CompletionTokens, result.Usage.LatencySeconds, result.FinishReason, onDelta is not null);
            return result;
        }
        catch (Exception ex) when (!callbackFailed && ModelErrors.ShouldTranslate(ex, cancellationToken))
        {
            var error = ModelErrors.Translate(ex, endpoint.Provider, _options.TimeoutSeconds);
            ModelsLog.ChatFailed(_logger, endpoint.Provider, model, endpoint.Endpoint, error.StatusCode, error.Message);
            throw error;
        }
    }
}
