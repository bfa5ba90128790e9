#pragma warning disable SCME0001 // JsonPatch: used to write max_tokens for older OpenAI-compatible servers.
using Dify.Models.Chat;
using Dify.Models.Configuration;
using Sdk = OpenAI.Chat;

namespace Dify.Models.OpenAi;

/// <summary>Maps our <see cref="ChatRequest"/> onto the OpenAI SDK's messages and options.</summary>
internal static class ChatRequestMapper
{
    public static List<Sdk.ChatMessage> Messages(IReadOnlyList<ChatMessage> messages, string provider)
    {
        var result = new List<Sdk.ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            result.Add(message.Role switch
            {
                ChatRole.System => new Sdk.SystemChatMessage(message.Text),
                ChatRole.User => new Sdk.UserChatMessage(UserParts(message, provider)),
                ChatRole.Assistant => new Sdk.AssistantChatMessage(message.Text),
                ChatRole.Tool => new Sdk.ToolChatMessage(
                    message.ToolCallId ?? throw new ModelProviderException(provider, $"A tool message for provider '{provider}' has no ToolCallId."),
                    message.Text),
                _ => throw new ModelProviderException(provider, $"Unsupported chat role {message.Role}."),
            });
        }

        return result;
    }

    public static Sdk.ChatCompletionOptions Options(ChatRequest request, ResolvedModelEndpoint endpoint)
    {
        var options = new Sdk.ChatCompletionOptions();
        if (request.Parameters is { } p)
        {
            options.Temperature = (float?)p.Temperature;
            options.TopP = (float?)p.TopP;
            options.PresencePenalty = (float?)p.PresencePenalty;
            options.FrequencyPenalty = (float?)p.FrequencyPenalty;
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK, but is a plain wire field.
            options.Seed = p.Seed;
#pragma warning restore OPENAI001
            foreach (var stop in p.Stop ?? [])
            {
                options.StopSequences.Add(stop);
            }

            if (p.MaxTokens is { } maxTokens)
            {
                if (string.Equals(endpoint.MaxTokensField, "max_tokens", StringComparison.OrdinalIgnoreCase))
                {
                    options.Patch.Set("$.max_tokens"u8, maxTokens);
                }
                else
                {
                    options.MaxOutputTokenCount = maxTokens;
                }
            }

            options.ResponseFormat = ResponseFormat(p);
        }

        foreach (var tool in request.Tools ?? [])
        {
            options.Tools.Add(Sdk.ChatTool.CreateFunctionTool(
                tool.Name, tool.Description, BinaryData.FromString(tool.ParametersSchema.ToJsonString())));
        }

        if (!string.IsNullOrEmpty(request.ForcedToolName))
        {
            options.ToolChoice = Sdk.ChatToolChoice.CreateFunctionChoice(request.ForcedToolName);
        }

        return options;
    }

    /// <summary>
    /// json_schema accepts either Dify's wrapper <c>{"name","schema","strict","description"}</c> or a bare schema.
    /// </summary>
    private static Sdk.ChatResponseFormat? ResponseFormat(ChatParameters p)
    {
        switch (p.ResponseFormat?.Trim().ToLowerInvariant())
        {
            case null or "":
                return p.JsonSchema is null ? null : JsonSchemaFormat(p.JsonSchema);
            case "text":
                return Sdk.ChatResponseFormat.CreateTextFormat();
            case "json_object":
                return Sdk.ChatResponseFormat.CreateJsonObjectFormat();
            case "json_schema":
                return p.JsonSchema is null ? Sdk.ChatResponseFormat.CreateJsonObjectFormat() : JsonSchemaFormat(p.JsonSchema);
            default:
                return null;
        }
    }

    private static Sdk.ChatResponseFormat JsonSchemaFormat(System.Text.Json.Nodes.JsonObject schema)
    {
        if (schema["schema"] is System.Text.Json.Nodes.JsonObject inner)
        {
            var name = schema["name"]?.GetValue<string>() ?? "response";
            var description = schema["description"]?.GetValue<string>();
            bool? strict = schema["strict"] is System.Text.Json.Nodes.JsonValue s && s.TryGetValue<bool>(out var b) ? b : null;
            return Sdk.ChatResponseFormat.CreateJsonSchemaFormat(name, BinaryData.FromString(inner.ToJsonString()), description, strict);
        }

        return Sdk.ChatResponseFormat.CreateJsonSchemaFormat("response", BinaryData.FromString(schema.ToJsonString()));
    }

    private static IEnumerable<Sdk.ChatMessageContentPart> UserParts(ChatMessage message, string provider)
    {
        foreach (var part in message.Content)
        {
            if (part.ImageUrl is not null)
            {
                yield return ImagePart(part.ImageUrl, part.ImageDetail, provider);
            }

            if (part.Text is not null)
            {
                yield return Sdk.ChatMessageContentPart.CreateTextPart(part.Text);
            }
        }
    }

    /// <summary>http(s) URLs are passed on; data: URIs are decoded (System.Uri cannot hold large ones).</summary>
    private static Sdk.ChatMessageContentPart ImagePart(string url, string? detail, string provider)
    {
        var level = detail?.Trim().ToLowerInvariant() switch
        {
            "low" => Sdk.ChatImageDetailLevel.Low,
            "high" => Sdk.ChatImageDetailLevel.High,
            "auto" => Sdk.ChatImageDetailLevel.Auto,
            _ => (Sdk.ChatImageDetailLevel?)null,
        };

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma > 5 ? url[5..comma] : "";
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelProviderException(provider, $"Image for provider '{provider}' is a data: URI that is not base64 encoded.");
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(url[(comma + 1)..]);
            }
            catch (FormatException ex)
            {
                throw new ModelProviderException(provider, $"Image for provider '{provider}' has invalid base64 data: {ex.Message}", null, ex);
            }

            var mediaType = header[..^";base64".Length];
            return Sdk.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(bytes), mediaType.Length == 0 ? "image/png" : mediaType, level);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ModelProviderException(provider, $"Image URL for provider '{provider}' is not absolute: '{url}'.");
        }

        return Sdk.ChatMessageContentPart.CreateImagePart(uri, level);
    }
}
