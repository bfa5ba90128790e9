#pragma warning disable SCME0001 // JsonPatch: the only way to read reasoning_content, which the SDK has no property for.
using System.ClientModel.Primitives;
using Dify.Models.Chat;
using Sdk = OpenAI.Chat;

namespace Dify.Models.OpenAi;

/// <summary>Maps SDK results back onto our contracts.</summary>
internal static class ChatResultMapper
{
    public static ChatCompletion FromCompletion(Sdk.ChatCompletion completion, string requestedModel, double latencySeconds)
    {
        var text = string.Concat(completion.Content.Where(p => p.Kind == Sdk.ChatMessageContentPartKind.Text).Select(p => p.Text));
        if (text.Length == 0 && !string.IsNullOrEmpty(completion.Refusal))
        {
            text = completion.Refusal;
        }

        var toolCalls = completion.ToolCalls
            .Select(c => new ChatToolCall(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? "{}"))
            .ToList();
        var usage = completion.Usage is { } u
            ? new TokenUsage(u.InputTokenCount, u.OutputTokenCount, latencySeconds)
            : new TokenUsage(0, 0, latencySeconds);
        return new ChatCompletion(
            text,
            ReadString(ref completion.Patch, "$.choices[0].message.reasoning_content"u8),
            toolCalls,
            usage,
            FinishReason(completion.FinishReason),
            string.IsNullOrEmpty(completion.Model) ? requestedModel : completion.Model);
    }

    /// <summary>DeepSeek / vLLM / Ollama-style <c>reasoning_content</c> (or <c>reasoning</c>) of a streamed delta.</summary>
    public static string? StreamingReasoning(Sdk.StreamingChatCompletionUpdate update) =>
        ReadString(ref update.Patch, "$.choices[0].delta.reasoning_content"u8)
        ?? ReadString(ref update.Patch, "$.choices[0].delta.reasoning"u8);

    public static string FinishReason(Sdk.ChatFinishReason reason) => reason switch
    {
        Sdk.ChatFinishReason.Stop => "stop",
        Sdk.ChatFinishReason.Length => "length",
        Sdk.ChatFinishReason.ContentFilter => "content_filter",
        Sdk.ChatFinishReason.ToolCalls => "tool_calls",
        Sdk.ChatFinishReason.FunctionCall => "function_call",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private static string? ReadString(ref JsonPatch patch, ReadOnlySpan<byte> path)
    {
        try
        {
            return patch.TryGetValue(path, out string? value) && !string.IsNullOrEmpty(value) ? value : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            return null; // null or non-string value
        }
    }
}
