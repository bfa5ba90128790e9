using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// A node's <c>model</c> block: {provider, name, mode: chat|completion, completion_params}. Shared by
/// llm, question-classifier, parameter-extractor and the knowledge-retrieval router.
/// </summary>
public sealed record LlmModelConfig(string Provider, string Name, string Mode, ChatParameters Parameters)
{
    public bool IsCompletionMode => string.Equals(Mode, "completion", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <paramref name="model"/>; a missing block or name is a problem on <paramref name="path"/>.</summary>
    public static LlmModelConfig Parse(NodeDataReader reader, JsonObject? model, string path)
    {
        if (model is null)
        {
            reader.Problem(path, "is required");
            return new LlmModelConfig("", "", "chat", new ChatParameters());
        }
        var provider = reader.String(model, "provider", false, path + ".provider") ?? "";
        var name = reader.String(model, "name", true, path + ".name") ?? "";
        var mode = reader.String(model, "mode", false, path + ".mode") ?? "chat";
        var parameters = ParseParameters(reader, model["completion_params"] as JsonObject, path + ".completion_params");
        return new LlmModelConfig(provider, name, mode, parameters);
    }

    /// <summary>Maps Dify's completion_params onto the adapter's parameters; unknown keys are ignored as Dify's runtime would.</summary>
    public static ChatParameters ParseParameters(NodeDataReader reader, JsonObject? p, string path)
    {
        if (p is null) return new ChatParameters();
        var maxTokens = reader.Double(p, "max_tokens", null, path + ".max_tokens");
        var seed = reader.Double(p, "seed", null, path + ".seed");
        var (format, schema) = ResponseFormat(p);
        return new ChatParameters(
            Temperature: reader.Double(p, "temperature", null, path + ".temperature"),
            TopP: reader.Double(p, "top_p", null, path + ".top_p"),
            MaxTokens: maxTokens is null ? null : (int)maxTokens.Value,
            Stop: Stop(p["stop"]),
            PresencePenalty: reader.Double(p, "presence_penalty", null, path + ".presence_penalty"),
            FrequencyPenalty: reader.Double(p, "frequency_penalty", null, path + ".frequency_penalty"),
            Seed: seed is null ? null : (long)seed.Value,
            ResponseFormat: format,
            JsonSchema: schema);
    }

    private static List<string>? Stop(JsonNode? node) => node switch
    {
        JsonArray a => a.OfType<JsonValue>().Select(NodeDataReader.ScalarString).Where(s => s.Length > 0).ToList() is { Count: > 0 } l ? l : null,
        JsonValue v when NodeDataReader.ScalarString(v) is { Length: > 0 } s => [s],
        _ => null,
    };

    /// <summary>
    /// Dify's UI writes response_format as "text", "json_object" or "JSON" (some providers), and a json_schema
    /// parameter as a JSON string when the format is json_schema.
    /// </summary>
    private static (string? Format, JsonObject? Schema) ResponseFormat(JsonObject p)
    {
        var raw = p["response_format"] is JsonValue v ? NodeDataReader.ScalarString(v).Trim() : null;
        var format = raw?.ToLowerInvariant() switch
        {
            null or "" => null,
            "json" or "json_object" => "json_object",
            "json_schema" => "json_schema",
            "text" => "text",
            _ => null,
        };
        JsonObject? schema = null;
        if (format == "json_schema")
        {
            schema = p["json_schema"] switch
            {
                JsonObject o => (JsonObject)o.DeepClone(),
                JsonValue s when s.GetValueKind() == JsonValueKind.String => TryParseObject(s.GetValue<string>()),
                _ => null,
            };
        }
        return (format, schema);
    }

    private static JsonObject? TryParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>process_data's model fields, named as Dify names them.</summary>
    public void WriteTo(JsonObject processData)
    {
        processData["model_mode"] = IsCompletionMode ? "completion" : "chat";
        processData["model_provider"] = Provider;
        processData["model_name"] = Name;
    }
}
