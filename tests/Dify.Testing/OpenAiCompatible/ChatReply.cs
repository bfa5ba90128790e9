namespace Dify.Testing.OpenAiCompatible;

/// <summary>A tool call the scripted model makes.</summary>
public sealed record ChatReplyToolCall(string Name, string ArgumentsJson, string? Id = null);

/// <summary>
/// What <see cref="OpenAiCompatibleServer"/> answers to one chat request: text, reasoning, tool calls, or an
/// HTTP error; optionally after a delay, and streamed in chunks of <see cref="ChunkSize"/> characters.
/// </summary>
public sealed record ChatReply
{
    public string? Text { get; init; }

    /// <summary>DeepSeek-style <c>reasoning_content</c> (message field, or deltas when streaming).</summary>
    public string? Reasoning { get; init; }

    public IReadOnlyList<ChatReplyToolCall> ToolCalls { get; init; } = [];

    /// <summary>When set (e.g. 401, 429, 500) the server answers this status with an OpenAI error envelope.</summary>
    public int? StatusCode { get; init; }

    public string? ErrorMessage { get; init; }
    public string? ErrorType { get; init; }
    public string? ErrorCode { get; init; }

    /// <summary>Sent as <c>retry-after-ms</c> with an error status (the OpenAI SDK's retry policy honours it).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Wait before answering (honours the client aborting the request).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Characters per streamed content chunk; null streams word by word (leading spaces kept).</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Overrides the finish reason ("stop", or "tool_calls" when there are tool calls).</summary>
    public string? FinishReason { get; init; }

    /// <summary>Override the reported usage (default: whitespace word counts).</summary>
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }

    /// <summary>Model name to report (default: the requested model).</summary>
    public string? Model { get; init; }

    /// <summary>Extra response headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static ChatReply FromText(string text) => new() { Text = text };

    public static ChatReply WithToolCall(string name, string argumentsJson) =>
        new() { ToolCalls = [new ChatReplyToolCall(name, argumentsJson)] };

    public static ChatReply Error(int statusCode, string message, string? type = null, string? code = null) =>
        new() { StatusCode = statusCode, ErrorMessage = message, ErrorType = type, ErrorCode = code };
}

/// <summary>What the server answers to one embeddings request; null fields use the deterministic default.</summary>
public sealed record EmbeddingReply
{
    public int? StatusCode { get; init; }
    public string? ErrorMessage { get; init; }
    public TimeSpan Delay { get; init; }

    /// <summary>Explicit vectors (one per input, in input order); default: <see cref="DeterministicEmbedder"/>.</summary>
    public IReadOnlyList<float[]>? Vectors { get; init; }

    public static EmbeddingReply Error(int statusCode, string message) => new() { StatusCode = statusCode, ErrorMessage = message };
}
