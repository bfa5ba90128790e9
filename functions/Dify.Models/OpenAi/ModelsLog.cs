using Microsoft.Extensions.Logging;

namespace Dify.Models.OpenAi;

/// <summary>Structured log events of the model adapter. API keys are never logged.</summary>
internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "Chat completion from {Provider} model {Model} at {Endpoint}: {PromptTokens}+{CompletionTokens} tokens in {LatencySeconds:0.000}s, finish {FinishReason}, streamed {Streamed}")]
    public static partial void ChatCompleted(ILogger logger, string provider, string model, Uri endpoint, int promptTokens, int completionTokens, double latencySeconds, string? finishReason, bool streamed);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Chat completion from {Provider} model {Model} at {Endpoint} failed with status {StatusCode}: {Error}")]
    public static partial void ChatFailed(ILogger logger, string provider, string model, Uri endpoint, int? statusCode, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug,
        Message = "Embedded {Count} inputs with {Provider} model {Model} at {Endpoint} in {Batches} requests ({PromptTokens} tokens)")]
    public static partial void Embedded(ILogger logger, int count, string provider, string model, Uri endpoint, int batches, int promptTokens);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Embeddings from {Provider} model {Model} at {Endpoint} failed with status {StatusCode}: {Error}")]
    public static partial void EmbeddingFailed(ILogger logger, string provider, string model, Uri endpoint, int? statusCode, string error);
}
