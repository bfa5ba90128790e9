using System.Text.Json.Nodes;

namespace Dify.Testing.OpenAiCompatible;

public sealed record RecordedImage(string Url, string? Detail);

public sealed record RecordedToolCall(string Id, string Name, string ArgumentsJson);

public sealed record RecordedTool(string Name, string? Description, JsonObject? Parameters);

/// <summary>One message of a recorded request: role ("system", "user", "assistant", "tool"), text parts joined, images.</summary>
public sealed record RecordedChatMessage(
    string Role,
    string Text,
    IReadOnlyList<RecordedImage> Images,
    string? ToolCallId,
    IReadOnlyList<RecordedToolCall> ToolCalls);

/// <summary>A chat completion request as it arrived on the wire, parsed for assertions.</summary>
public sealed class RecordedChatRequest
{
    public required string Model { get; init; }
    public required IReadOnlyList<RecordedChatMessage> Messages { get; init; }
    public bool Stream { get; init; }

    /// <summary><c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; init; }

    public double? Temperature { get; init; }
    public double? TopP { get; init; }

    /// <summary><c>max_completion_tokens</c>, or the legacy <c>max_tokens</c>.</summary>
    public int? MaxTokens { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];
    public double? PresencePenalty { get; init; }
    public double? FrequencyPenalty { get; init; }
    public long? Seed { get; init; }

    /// <summary><c>response_format.type</c>: "text", "json_object", "json_schema", or null.</summary>
    public string? ResponseFormatType { get; init; }

    /// <summary><c>response_format.json_schema</c> ({name, schema, strict, description}).</summary>
    public JsonObject? JsonSchema { get; init; }

    public IReadOnlyList<RecordedTool> Tools { get; init; } = [];

    /// <summary><c>tool_choice</c> when a string ("auto", "none", "required"); "function" when a function is forced.</summary>
    public string? ToolChoice { get; init; }

    /// <summary>The function name of a forced <c>tool_choice</c>.</summary>
    public string? ForcedToolName { get; init; }

    /// <summary>Request headers (case-insensitive names), Authorization included.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>The whole request body.</summary>
    public required JsonObject Body { get; init; }

    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Text of the last user message ("" when none).</summary>
    public string LastUserText => Messages.LastOrDefault(m => m.Role == "user")?.Text ?? "";

    internal static RecordedChatRequest Parse(JsonObject body, IReadOnlyDictionary<string, string> headers)
    {
        var responseFormat = body["response_format"] as JsonObject;
        var toolChoice = body["tool_choice"];
        return new RecordedChatRequest
        {
            Model = body["model"]?.GetValue<string>() ?? "",
            Messages = ParseMessages(body["messages"] as JsonArray),
            Stream = body["stream"]?.GetValue<bool>() ?? false,
            IncludeUsage = body["stream_options"]?["include_usage"]?.GetValue<bool>() ?? false,
            Temperature = Number(body["temperature"]),
            TopP = Number(body["top_p"]),
            MaxTokens = (int?)Number(body["max_completion_tokens"] ?? body["max_tokens"]),
            Stop = body["stop"] switch
            {
                JsonArray array => array.Select(s => s!.GetValue<string>()).ToList(),
                JsonValue single => [single.GetValue<string>()],
                _ => [],
            },
            PresencePenalty = Number(body["presence_penalty"]),
            FrequencyPenalty = Number(body["frequency_penalty"]),
            Seed = (long?)Number(body["seed"]),
            ResponseFormatType = responseFormat?["type"]?.GetValue<string>(),
            JsonSchema = responseFormat?["json_schema"] as JsonObject,
            Tools = ParseTools(body["tools"] as JsonArray),
            ToolChoice = toolChoice switch
            {
                JsonValue value => value.GetValue<string>(),
                JsonObject obj => obj["type"]?.GetValue<string>(),
                _ => null,
            },
            ForcedToolName = (toolChoice as JsonObject)?["function"]?["name"]?.GetValue<string>(),
            Headers = headers,
            Body = body,
        };
    }

    private static double? Number(JsonNode? node) => node is JsonValue value ? value.GetValue<double>() : null;

    private static List<RecordedChatMessage> ParseMessages(JsonArray? messages)
    {
        var result = new List<RecordedChatMessage>();
        foreach (var node in messages ?? [])
        {
            if (node is not JsonObject message)
            {
                continue;
            }

            var text = new System.Text.StringBuilder();
            var images = new List<RecordedImage>();
            switch (message["content"])
            {
                case JsonValue value:
                    text.Append(value.GetValue<string>());
                    break;
                case JsonArray parts:
                    foreach (var part in parts.OfType<JsonObject>())
                    {
                        switch (part["type"]?.GetValue<string>())
                        {
                            case "text":
                                text.Append(part["text"]?.GetValue<string>());
                                break;
                            case "image_url":
                                images.Add(new RecordedImage(
                                    part["image_url"]?["url"]?.GetValue<string>() ?? "",
                                    part["image_url"]?["detail"]?.GetValue<string>()));
                                break;
                        }
                    }

                    break;
            }

            var toolCalls = (message["tool_calls"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(c => new RecordedToolCall(
                    c["id"]?.GetValue<string>() ?? "",
                    c["function"]?["name"]?.GetValue<string>() ?? "",
                    c["function"]?["arguments"]?.GetValue<string>() ?? ""))
                .ToList();

            result.Add(new RecordedChatMessage(
                message["role"]?.GetValue<string>() ?? "",
                text.ToString(),
                images,
                message["tool_call_id"]?.GetValue<string>(),
                toolCalls));
        }

        return result;
    }

    private static List<RecordedTool> ParseTools(JsonArray? tools) =>
        (tools ?? [])
            .OfType<JsonObject>()
            .Select(t => t["function"] as JsonObject)
            .Where(f => f is not null)
            .Select(f => new RecordedTool(
                f!["name"]?.GetValue<string>() ?? "",
                f["description"]?.GetValue<string>(),
                f["parameters"]?.DeepClone() as JsonObject))
            .ToList();
}

/// <summary>An embeddings request as it arrived on the wire.</summary>
public sealed class RecordedEmbeddingRequest
{
    public required string Model { get; init; }
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary><c>encoding_format</c>: "float" (default) or "base64".</summary>
    public string? EncodingFormat { get; init; }

    public int? Dimensions { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;

    internal static RecordedEmbeddingRequest Parse(JsonObject body, IReadOnlyDictionary<string, string> headers) => new()
    {
        Model = body["model"]?.GetValue<string>() ?? "",
        Inputs = body["input"] switch
        {
            JsonArray array => array.Select(s => s!.GetValue<string>()).ToList(),
            JsonValue single => [single.GetValue<string>()],
            _ => [],
        },
        EncodingFormat = body["encoding_format"]?.GetValue<string>(),
        Dimensions = body["dimensions"]?.GetValue<int>(),
        Headers = headers,
    };
}
