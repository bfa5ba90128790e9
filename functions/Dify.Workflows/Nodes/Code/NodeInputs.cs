using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Code;

/// <summary>Shared by code and template-transform: reading {variable, value_selector} lists and resolving them.</summary>
internal static class NodeInputs
{
    public static IReadOnlyList<NodeInputVariable> Parse(NodeDataReader reader, string field = "variables")
    {
        var list = new List<NodeInputVariable>();
        var items = reader.Array(field);
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"{field}[{i}]";
            if (items[i] is not JsonObject item) { reader.Problem(path, "must be an object"); continue; }
            var name = reader.String(item, "variable", true, path + ".variable");
            if (string.IsNullOrEmpty(name)) continue;
            list.Add(new NodeInputVariable(name, reader.Selector(item, "value_selector", false, path + ".value_selector")));
        }
        return list;
    }

    /// <summary>Each variable's object value (a deep copy); a missing variable is null, as in Dify.</summary>
    public static JsonObject Resolve(IReadOnlyList<NodeInputVariable> variables, VariablePool pool)
    {
        var inputs = new JsonObject();
        foreach (var v in variables)
            inputs[v.Name] = v.Selector is not null && pool.TryGet(v.Selector, out var value) ? value?.DeepClone() : null;
        return inputs;
    }
}
