using System.Text.Json.Nodes;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Finds the fields of a node's data that hold variable selectors (<c>[node_id, name, ...]</c>): every key
/// ending in <c>selector</c>, plus the few node-specific places that hold selectors under other names
/// (aggregator <c>variables</c>, extractor <c>query</c>, list-operator <c>variable</c>, and values whose
/// sibling says they come from a variable). Yields each field's path (<c>outputs[0].value_selector</c>).
/// </summary>
internal static class SelectorScan
{
    public static IEnumerable<(string Path, JsonNode Value)> Find(string type, JsonObject data)
    {
        var found = new List<(string, JsonNode)>();
        Walk(data, "", found);
        switch (type)
        {
            case "variable-aggregator" or "variable-assigner":
                ListOfSelectors(data["variables"], "variables", found);
                if (data["advanced_settings"]?["groups"] is JsonArray groups)
                    for (var g = 0; g < groups.Count; g++)
                        ListOfSelectors(groups[g]?["variables"], $"advanced_settings.groups[{g}].variables", found);
                break;
            case "parameter-extractor":
                Add(data["query"], "query", found);
                break;
            case "list-operator":
                Add(data["variable"], "variable", found);
                break;
            case "loop":
                ValuesFromVariables(data["loop_variables"], "loop_variables", "value_type", found);
                break;
            case "assigner":
                ValuesFromVariables(data["items"], "items", "input_type", found);
                break;
            case "tool":
                ParameterValues(data["tool_parameters"], "tool_parameters", found);
                break;
            case "agent":
                ParameterValues(data["agent_parameters"], "agent_parameters", found);
                break;
        }
        return found;
    }

    /// <summary>Runs <paramref name="action"/> on every selector field that holds a list.</summary>
    public static void ForEach(string type, JsonObject data, Action<string, JsonArray> action)
    {
        foreach (var (path, value) in Find(type, data))
            if (value is JsonArray selector) action(path, selector);
    }

    private static void Walk(JsonNode? node, string path, List<(string, JsonNode)> found)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (key.EndsWith("selector", StringComparison.Ordinal)) Add(value, childPath, found);
                    else Walk(value, childPath, found);
                }
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++) Walk(list[i], $"{path}[{i}]", found);
                break;
        }
    }

    private static void ListOfSelectors(JsonNode? node, string path, List<(string, JsonNode)> found)
    {
        if (node is JsonArray list)
            for (var i = 0; i < list.Count; i++) Add(list[i], $"{path}[{i}]", found);
        else Add(node, path, found);
    }

    // loop_variables[i].value when value_type is "variable"; assigner v2 items[i].value when input_type is.
    private static void ValuesFromVariables(JsonNode? node, string path, string kindKey, List<(string, JsonNode)> found)
    {
        if (node is not JsonArray list) return;
        for (var i = 0; i < list.Count; i++)
            if (list[i] is JsonObject item && JsonText.ScalarText(item[kindKey]) == "variable")
                Add(item["value"], $"{path}[{i}].value", found);
    }

    // tool_parameters.<name>.value / agent_parameters.<name>.value when type is "variable".
    private static void ParameterValues(JsonNode? node, string path, List<(string, JsonNode)> found)
    {
        if (node is not JsonObject parameters) return;
        foreach (var (name, parameter) in parameters)
            if (parameter is JsonObject p && JsonText.ScalarText(p["type"]) == "variable")
                Add(p["value"], $"{path}.{name}.value", found);
    }

    private static void Add(JsonNode? value, string path, List<(string, JsonNode)> found)
    {
        if (value is not null) found.Add((path, value));
    }
}
