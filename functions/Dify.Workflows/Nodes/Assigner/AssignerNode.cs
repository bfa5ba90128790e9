using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Values;

namespace Dify.Workflows.Nodes.Assigner;

/// <summary>
/// Writes conversation variables (and loop variables inside a loop). v1: one over-write/append/clear;
/// v2: a list of operations applied in order to a working copy, so later items see earlier writes.
/// </summary>
public sealed class AssignerNode : NodeExecutor<AssignerNodeData>
{
    public override string NodeType => "assigner";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override AssignerNodeData Parse(NodeDataReader reader) => AssignerNodeData.Parse(reader);

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, AssignerNodeData data, CancellationToken cancellationToken)
    {
        var working = new Dictionary<string, (IReadOnlyList<string> Selector, JsonNode? Value)>();
        var updated = new JsonArray();
        foreach (var item in data.Items)
        {
            var key = item.Target.ToString();
            var current = working.TryGetValue(key, out var w) ? w.Value : context.Require(item.Target);
            JsonNode? input = item.InputType == "constant"
                ? item.Value?.DeepClone()
                : item.ValueSelector is null ? null
                : working.TryGetValue(item.ValueSelector.ToString(), out var written) ? written.Value?.DeepClone() // later items see earlier writes
                : context.Require(item.ValueSelector)?.DeepClone();
            var next = Apply(item.Operation, current, input, item.InputType, key);
            working[key] = (item.Target.Parts, next);
            updated.Add(new JsonObject { ["name"] = item.Target.Name, ["selector"] = item.Target.ToJson(), ["value"] = next?.DeepClone() });
        }
        return ValueTask.FromResult(new NodeRunResult
        {
            Outputs = new JsonObject(),
            ProcessData = new JsonObject { ["updated_variables"] = updated },
            VariableUpdates = working.Values.Select(v => new VariableUpdate(v.Selector, v.Value)).ToList(),
        });
    }

    private static JsonNode? Apply(string op, JsonNode? current, JsonNode? input, string inputType, string target)
    {
        switch (op)
        {
            case "over-write":
            case "set":
                if (op == "set" && inputType != "constant") throw new NodeExecutionException($"Operation 'set' on {target} only takes a constant");
                return input?.DeepClone();
            case "clear":
                return current switch
                {
                    JsonArray => new JsonArray(),
                    JsonObject => new JsonObject(),
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => "",
                    JsonValue v when v.GetValueKind() == JsonValueKind.Number => 0,
                    JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => false,
                    _ => null,
                };
            case "append":
            {
                var arr = RequireArray(current, op, target);
                arr.Add(input?.DeepClone());
                return arr;
            }
            case "extend":
            {
                var arr = RequireArray(current, op, target);
                if (input is not JsonArray more) throw new NodeExecutionException($"Operation 'extend' on {target} needs an array input");
                foreach (var x in more) arr.Add(x?.DeepClone());
                return arr;
            }
            case "remove-first":
            {
                var arr = RequireArray(current, op, target);
                if (arr.Count > 0) arr.RemoveAt(0);
                return arr;
            }
            case "remove-last":
            {
                var arr = RequireArray(current, op, target);
                if (arr.Count > 0) arr.RemoveAt(arr.Count - 1);
                return arr;
            }
            case "+=" or "-=" or "*=" or "/=":
            {
                if (current is not JsonValue cv || cv.GetValueKind() != JsonValueKind.Number)
                    throw new NodeExecutionException($"Operation '{op}' needs a number variable, {target} is not a number");
                if (input is not JsonValue iv || iv.GetValueKind() != JsonValueKind.Number)
                    throw new NodeExecutionException($"Operation '{op}' on {target} needs a number input");
                var a = cv.AsDouble();
                var b = iv.AsDouble();
                if (op == "/=" && b == 0) throw new NodeExecutionException($"Operation '/=' on {target}: division by zero");
                var r = op switch { "+=" => a + b, "-=" => a - b, "*=" => a * b, _ => a / b };
                var bothInt = ValueText.NumberIsInteger(cv, out _) && ValueText.NumberIsInteger(iv, out _) && op != "/=";
                return bothInt ? JsonValue.Create((long)r) : JsonValue.Create(r);
            }
            default:
                throw new NodeExecutionException($"Unsupported operation '{op}'");
        }
    }

    private static JsonArray RequireArray(JsonNode? current, string op, string target) =>
        current is JsonArray a ? (JsonArray)a.DeepClone() : throw new NodeExecutionException($"Operation '{op}' needs an array variable, {target} is not an array");
}
