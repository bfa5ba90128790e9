using System.Text.Json.Nodes;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.ParameterExtractor;

/// <summary>A parameter's type. Legacy "bool" reads as Boolean; "select" is a string limited to its options.</summary>
public enum ParameterType { String, Number, Boolean, Select, ArrayString, ArrayNumber, ArrayObject, ArrayBoolean }

public sealed record ExtractorParameter(string Name, ParameterType Type, IReadOnlyList<string> Options, string Description, bool Required);

public enum ReasoningMode { FunctionCall, Prompt }

public sealed record ParameterExtractorNodeData(
    Selector Query,
    LlmModelConfig Model,
    IReadOnlyList<ExtractorParameter> Parameters,
    VariableTemplate Instruction,
    MemoryConfig? Memory,
    ReasoningMode ReasoningMode,
    VisionConfig Vision)
{
    /// <summary>Output keys the node writes itself.</summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>(StringComparer.Ordinal) { "__reason", "__is_success", "__usage" };

    internal static ParameterExtractorNodeData Parse(NodeDataReader reader)
    {
        var query = reader.Selector("query", required: true) ?? new Selector(VariablePool.SystemNode, "query");
        var model = LlmModelConfig.Parse(reader, reader.Object("model", required: true), "model");
        var parameters = new List<ExtractorParameter>();
        var items = reader.Array("parameters");
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"parameters[{i}]";
            if (items[i] is not JsonObject p) { reader.Problem(path, "must be an object"); continue; }
            var name = reader.String(p, "name", true, path + ".name");
            if (string.IsNullOrEmpty(name)) continue;
            if (ReservedNames.Contains(name)) { reader.Problem(path + ".name", $"'{name}' is a reserved parameter name"); continue; }
            if (parameters.Any(x => x.Name == name)) reader.Problem(path + ".name", $"duplicates parameter '{name}'");
            var type = Type(reader, reader.String(p, "type", true, path + ".type"), path + ".type");
            var options = reader.Array(p, "options", false, path + ".options").OfType<JsonValue>().Select(NodeDataReader.ScalarString).ToList();
            parameters.Add(new ExtractorParameter(name, type, options, reader.String(p, "description", false, path + ".description") ?? "", NodeDataReader.Bool(p, "required")));
        }

        var mode = reader.String("reasoning_mode")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "function_call" => ReasoningMode.FunctionCall,
            "prompt" => ReasoningMode.Prompt,
            var other => BadMode(reader, other),
        };
        var vision = reader.Object("vision");
        var configs = vision?["configs"] as JsonObject;
        return new ParameterExtractorNodeData(
            query, model, parameters, VariableTemplate.Parse(reader.String("instruction") ?? ""), MemoryConfig.Parse(reader), mode,
            new VisionConfig(
                NodeDataReader.Bool(vision, "enabled"),
                reader.Selector(configs, "variable_selector", false, "vision.configs.variable_selector") ?? new Selector(VariablePool.SystemNode, "files"),
                reader.String(configs, "detail", false, "vision.configs.detail")));
    }

    private static ReasoningMode BadMode(NodeDataReader reader, string mode)
    {
        reader.Problem("reasoning_mode", $"must be 'function_call' or 'prompt', got '{mode}'");
        return ReasoningMode.FunctionCall;
    }

    private static ParameterType Type(NodeDataReader reader, string? type, string path) => type?.Trim().ToLowerInvariant() switch
    {
        null => ParameterType.String,
        "string" => ParameterType.String,
        "number" => ParameterType.Number,
        "boolean" or "bool" => ParameterType.Boolean,
        "select" => ParameterType.Select,
        "array[string]" => ParameterType.ArrayString,
        "array[number]" => ParameterType.ArrayNumber,
        "array[object]" => ParameterType.ArrayObject,
        "array[boolean]" or "array[bool]" => ParameterType.ArrayBoolean,
        var other => Bad(reader, path, other),
    };

    private static ParameterType Bad(NodeDataReader reader, string path, string type)
    {
        reader.Problem(path, $"is not a parameter type: '{type}' (string, number, boolean, select, array[string|number|object|boolean])");
        return ParameterType.String;
    }
}
