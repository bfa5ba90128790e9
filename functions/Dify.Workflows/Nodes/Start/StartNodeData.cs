using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.Start;

/// <summary>A start-form field (Dify's VariableEntity).</summary>
public sealed record StartVariable(
    string Variable,
    string Label,
    string Type,
    bool Required,
    JsonNode? Default,
    int? MaxLength,
    IReadOnlyList<string> Options,
    JsonObject Raw);

public sealed record StartNodeData(IReadOnlyList<StartVariable> Variables)
{
    public static StartNodeData Parse(NodeDataReader reader)
    {
        var list = new List<StartVariable>();
        var items = reader.Array("variables");
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject v) { reader.Problem($"variables[{i}]", "must be an object"); continue; }
            var name = reader.String(v, "variable", true, $"variables[{i}].variable");
            if (name is null) continue;
            var maxLen = reader.Double(v, "max_length", null, $"variables[{i}].max_length");
            list.Add(new StartVariable(
                name,
                reader.String(v, "label", false, $"variables[{i}].label") ?? name,
                reader.String(v, "type", false, $"variables[{i}].type") ?? "text-input",
                NodeDataReader.Bool(v, "required"),
                v["default"]?.DeepClone(),
                maxLen is > 0 ? (int)maxLen : null,
                (v["options"] as JsonArray)?.Select(o => o?.ToString() ?? "").ToList() ?? [],
                v));
        }
        return new StartNodeData(list);
    }
}
