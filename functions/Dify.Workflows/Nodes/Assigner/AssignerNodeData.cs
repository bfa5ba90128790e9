using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Assigner;

/// <summary>One write: v2 item, or the single v1 write (over-write | append | clear).</summary>
public sealed record AssignerItem(Selector Target, string InputType, string Operation, JsonNode? Value, Selector? ValueSelector);

public sealed record AssignerNodeData(IReadOnlyList<AssignerItem> Items)
{
    public static readonly IReadOnlySet<string> Operations = new HashSet<string>(StringComparer.Ordinal)
    {
        "over-write", "clear", "append", "extend", "set", "+=", "-=", "*=", "/=", "remove-first", "remove-last",
    };

    public static AssignerNodeData Parse(NodeDataReader reader)
    {
        var items = new List<AssignerItem>();
        if (reader.Node.Version == "2" || reader.Data["items"] is JsonArray)
        {
            var arr = reader.Array("items");
            for (var i = 0; i < arr.Count; i++)
            {
                if (arr[i] is not JsonObject o) { reader.Problem($"items[{i}]", "must be an object"); continue; }
                var target = reader.Selector(o, "variable_selector", true, $"items[{i}].variable_selector");
                var op = reader.String(o, "operation", true, $"items[{i}].operation");
                var inputType = reader.String(o, "input_type", false, $"items[{i}].input_type") ?? "variable";
                if (op is not null && !Operations.Contains(op)) reader.Problem($"items[{i}].operation", $"unknown operation '{op}'");
                Selector? valueSelector = null;
                JsonNode? value = o["value"]?.DeepClone();
                if (inputType == "variable" && op is not ("clear" or "remove-first" or "remove-last"))
                {
                    if (!Selector.TryParse(o["value"], out valueSelector))
                        reader.Problem($"items[{i}].value", "must be a variable selector when input_type is 'variable'");
                }
                if (target is not null && op is not null) items.Add(new AssignerItem(target, inputType, op, value, valueSelector));
            }
        }
        else
        {
            var target = reader.Selector("assigned_variable_selector", required: true);
            var mode = reader.String("write_mode") ?? "over-write";
            var input = mode == "clear" ? null : reader.Selector("input_variable_selector", required: true);
            if (target is not null) items.Add(new AssignerItem(target, "variable", mode, null, input));
        }
        return new AssignerNodeData(items);
    }
}
