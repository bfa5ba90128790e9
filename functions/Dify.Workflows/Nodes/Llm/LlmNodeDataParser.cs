using System.Text.Json.Nodes;
using Dify.Models.Chat;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>Reads an llm node's data (DIFY-SPEC §2.4), naming the field of every problem.</summary>
internal static class LlmNodeDataParser
{
    public static LlmNodeData Parse(NodeDataReader reader)
    {
        var model = LlmModelConfig.Parse(reader, reader.Object("model", required: true), "model");
        IReadOnlyList<LlmPromptMessage>? chat = null;
        LlmPromptMessage? completion = null;
        // Dify decides by the template's shape: a list is chat, a single object is completion.
        switch (reader.Raw("prompt_template"))
        {
            case JsonArray list:
                chat = list.Select((item, i) => Message(reader, item as JsonObject, $"prompt_template[{i}]", ChatRole.User)).OfType<LlmPromptMessage>().ToList();
                break;
            case JsonObject single:
                completion = Message(reader, single, "prompt_template", ChatRole.User);
                break;
            case null:
                chat = [];
                break;
            default:
                reader.Problem("prompt_template", "must be a list of messages (chat) or an object (completion)");
                chat = [];
                break;
        }

        var jinja = new List<Jinja2Variable>();
        var config = reader.Object("prompt_config");
        var vars = reader.Array(config, "jinja2_variables", false, "prompt_config.jinja2_variables");
        for (var i = 0; i < vars.Count; i++)
        {
            var path = $"prompt_config.jinja2_variables[{i}]";
            if (vars[i] is not JsonObject v) { reader.Problem(path, "must be an object"); continue; }
            var name = reader.String(v, "variable", true, path + ".variable");
            var selector = reader.Selector(v, "value_selector", true, path + ".value_selector");
            if (!string.IsNullOrEmpty(name) && selector is not null) jinja.Add(new Jinja2Variable(name, selector));
        }

        Selector? context = null;
        if (reader.Object("context") is { } ctx && NodeDataReader.Bool(ctx, "enabled"))
            context = reader.Selector(ctx, "variable_selector", false, "context.variable_selector");

        var vision = reader.Object("vision");
        var visionConfigs = vision?["configs"] as JsonObject;
        var visionSelector = reader.Selector(visionConfigs, "variable_selector", false, "vision.configs.variable_selector")
            ?? new Selector(VariablePool.SystemNode, "files");

        var structured = reader.Bool("structured_output_switch_on") || reader.Bool("structured_output_enabled");
        JsonObject? schema = null;
        if (structured)
        {
            schema = (reader.Object("structured_output")?["schema"]) switch
            {
                JsonObject o => (JsonObject)o.DeepClone(),
                JsonValue s when s.TryGetValue<string>(out var text) => ParseSchema(reader, text),
                _ => null,
            };
            if (schema is null) reader.Problem("structured_output.schema", "is required when structured output is on");
        }

        var reasoning = reader.String("reasoning_format")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "tagged" => ReasoningFormat.Tagged,
            "separated" => ReasoningFormat.Separated,
            var other => Unknown(reader, other),
        };

        return new LlmNodeData(
            model, chat, completion, jinja, context, MemoryConfig.Parse(reader),
            new VisionConfig(NodeDataReader.Bool(vision, "enabled"), visionSelector, reader.String(visionConfigs, "detail", false, "vision.configs.detail")),
            schema, reasoning);
    }

    private static ReasoningFormat Unknown(NodeDataReader reader, string value)
    {
        reader.Problem("reasoning_format", $"must be 'tagged' or 'separated', got '{value}'");
        return ReasoningFormat.Tagged;
    }

    private static JsonObject? ParseSchema(NodeDataReader reader, string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException ex)
        {
            reader.Problem("structured_output.schema", "is not valid JSON: " + ex.Message);
            return null;
        }
    }

    private static LlmPromptMessage? Message(NodeDataReader reader, JsonObject? item, string path, ChatRole fallbackRole)
    {
        if (item is null) { reader.Problem(path, "must be an object"); return null; }
        var role = reader.String(item, "role", false, path + ".role")?.Trim().ToLowerInvariant() switch
        {
            null or "" => fallbackRole,
            "system" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            var other => BadRole(reader, path, other),
        };
        var jinja2 = string.Equals(reader.String(item, "edition_type", false, path + ".edition_type"), "jinja2", StringComparison.OrdinalIgnoreCase);
        var text = reader.String(item, "text", false, path + ".text") ?? "";
        var jinjaText = reader.String(item, "jinja2_text", false, path + ".jinja2_text") ?? "";
        return new LlmPromptMessage(role, jinja2, VariableTemplate.Parse(text), jinjaText);
    }

    private static ChatRole BadRole(NodeDataReader reader, string path, string role)
    {
        reader.Problem(path + ".role", $"must be system, user or assistant, got '{role}'");
        return ChatRole.User;
    }
}
