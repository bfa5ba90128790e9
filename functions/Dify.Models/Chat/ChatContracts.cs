using System.Text.Json.Nodes;

namespace Dify.Models.Chat;

public enum ChatRole { System, User, Assistant, Tool }

/// <summary>One part of a message: text, or an image/document given by URL or data: URI.</summary>
public sealed record ChatContentPart(string? Text = null, string? ImageUrl = null, string? ImageDetail = null)
{
    public static ChatContentPart FromText(string text) => new(Text: text);
}

public sealed record ChatMessage(ChatRole Role, IReadOnlyList<ChatContentPart> Content, string? ToolCallId = null)
{
    public static ChatMessage FromText(ChatRole role, string text) => new(role, [ChatContentPart.FromText(text)]);

    /// <summary>The text parts joined; what most callers need.</summary>
    public string Text => string.Concat(Content.Where(c => c.Text is not null).Select(c => c.Text));
}

/// <summary>A function the model may call (parameter-extractor's function_call mode).</summary>
public sealed record ChatTool(string Name, string Description, JsonObject ParametersSchema);

public sealed record ChatToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>Dify's completion_params: temperature, top_p, max_tokens, stop, response_format, seed...</summary>
public sealed record ChatParameters(
    double? Temperature = null,
    double? TopP = null,
    int? MaxTokens = null,
    IReadOnlyList<string>? Stop = null,
    double? PresencePenalty = null,
    double? FrequencyPenalty = null,
    long? Seed = null,
    /// <summary>null, "json_object", or "json_schema" (with <see cref="JsonSchema"/>).</summary>
    string? ResponseFormat = null,
    JsonObject? JsonSchema = null);

public sealed record ChatRequest(
    string Provider,
    string Model,
    IReadOnlyList<ChatMessage> Messages,
    ChatParameters? Parameters = null,
    IReadOnlyList<ChatTool>? Tools = null,
    string? ForcedToolName = null);

/// <summary>
/// Tokens of a model call as the provider reported them, priced when <c>Models:Pricing</c> names the model
/// (Dify's LLMUsage: unit prices per <c>PriceUnit</c> tokens, amounts rounded to 7 decimals).
/// </summary>
public sealed record TokenUsage(int PromptTokens, int CompletionTokens, double LatencySeconds = 0)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
    public decimal PromptUnitPrice { get; init; }
    public decimal PromptPriceUnit { get; init; }
    public decimal PromptPrice { get; init; }
    public decimal CompletionUnitPrice { get; init; }
    public decimal CompletionPriceUnit { get; init; }
    public decimal CompletionPrice { get; init; }
    public decimal TotalPrice => PromptPrice + CompletionPrice;
    public string Currency { get; init; } = "USD";
    public static TokenUsage Empty { get; } = new(0, 0);
}

public sealed record ChatCompletion(
    string Text,
    string? ReasoningContent,
    IReadOnlyList<ChatToolCall> ToolCalls,
    TokenUsage Usage,
    string? FinishReason,
    string Model);

/// <summary>A streamed piece of the answer.</summary>
public sealed record ChatDelta(string? Text, string? Reasoning = null);

/// <summary>Chat completion against one configured provider.</summary>
public interface IChatModel
{
    /// <summary>Runs the request; when <paramref name="onDelta"/> is given the call streams and reports each token.</summary>
    Task<ChatCompletion> CompleteAsync(ChatRequest request, Func<ChatDelta, ValueTask>? onDelta, CancellationToken cancellationToken);
}

/// <summary>The model call failed (network, HTTP status from the provider, bad answer). Message names the provider.</summary>
public sealed class ModelProviderException(string provider, string message, int? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Provider { get; } = provider;
    public int? StatusCode { get; } = statusCode;
}
