using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.ParameterExtractor;

/// <summary>The JSON schema of the parameters: the tool's parameters in function_call mode, the asked-for shape in prompt mode.</summary>
internal static class ExtractorSchema
{
    public static JsonObject Build(IReadOnlyList<ExtractorParameter> parameters)
    {
        var properties = new JsonObject();
        foreach (var p in parameters)
        {
            var property = Type(p.Type);
            property["description"] = p.Description;
            if (p.Type == ParameterType.Select && p.Options.Count > 0)
                property["enum"] = new JsonArray(p.Options.Select(o => (JsonNode?)o).ToArray());
            properties[p.Name] = property;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(parameters.Where(p => p.Required).Select(p => (JsonNode?)p.Name).ToArray()),
        };
    }

    private static JsonObject Type(ParameterType type) => type switch
    {
        ParameterType.Number => new JsonObject { ["type"] = "number" },
        ParameterType.Boolean => new JsonObject { ["type"] = "boolean" },
        ParameterType.ArrayString => Array("string"),
        ParameterType.ArrayNumber => Array("number"),
        ParameterType.ArrayObject => Array("object"),
        ParameterType.ArrayBoolean => Array("boolean"),
        _ => new JsonObject { ["type"] = "string" },
    };

    private static JsonObject Array(string item) => new() { ["type"] = "array", ["items"] = new JsonObject { ["type"] = item } };
}
