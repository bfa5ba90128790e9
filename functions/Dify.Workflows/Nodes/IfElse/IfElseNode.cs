using System.Text.Json.Nodes;
using Dify.Workflows.Nodes.Common;

namespace Dify.Workflows.Nodes.IfElse;

public sealed record IfElseCase(string CaseId, string LogicalOperator, IReadOnlyList<Condition> Conditions);

public sealed record IfElseNodeData(IReadOnlyList<IfElseCase> Cases);

/// <summary>Cases in order; the first true case's id is the branch handle; none true → "false" (ELSE).</summary>
public sealed class IfElseNode : NodeExecutor<IfElseNodeData>
{
    public override string NodeType => "if-else";
    public override NodeExecutionKind Kind => NodeExecutionKind.Inline;

    protected override IfElseNodeData Parse(NodeDataReader reader)
    {
        var cases = new List<IfElseCase>();
        var items = reader.Data["cases"] as JsonArray;
        if (items is null)
        {
            // Legacy shape (DSL <= 0.1.x): top-level conditions + logical_operator = one case "true".
            var conditions = ConditionParser.ParseList(reader, reader.Array("conditions"), "conditions");
            cases.Add(new IfElseCase("true", reader.String("logical_operator") ?? "and", conditions));
            return new IfElseNodeData(cases);
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject c) { reader.Problem($"cases[{i}]", "must be an object"); continue; }
            var id = reader.String(c, "case_id", false, $"cases[{i}].case_id") ?? (i == 0 ? "true" : $"case{i}");
            var conditions = ConditionParser.ParseList(reader, reader.Array(c, "conditions", false, $"cases[{i}].conditions"), $"cases[{i}].conditions");
            cases.Add(new IfElseCase(id, reader.String(c, "logical_operator", false, $"cases[{i}].logical_operator") ?? "and", conditions));
        }
        return new IfElseNodeData(cases);
    }

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, IfElseNodeData data, CancellationToken cancellationToken)
    {
        var processCases = new JsonArray();
        foreach (var c in data.Cases)
        {
            var trace = new List<bool>();
            var ok = ConditionEvaluator.EvaluateAll(context.Pool, c.Conditions, c.LogicalOperator, trace);
            processCases.Add(new JsonObject { ["case_id"] = c.CaseId, ["results"] = new JsonArray(trace.Select(t => (JsonNode?)t).ToArray()), ["final_result"] = ok });
            if (ok)
                return ValueTask.FromResult(new NodeRunResult
                {
                    Outputs = new JsonObject { ["result"] = true, ["selected_case_id"] = c.CaseId },
                    ProcessData = new JsonObject { ["condition_results"] = processCases },
                    EdgeSourceHandle = c.CaseId,
                });
        }
        return ValueTask.FromResult(new NodeRunResult
        {
            Outputs = new JsonObject { ["result"] = false, ["selected_case_id"] = "false" },
            ProcessData = new JsonObject { ["condition_results"] = processCases },
            EdgeSourceHandle = "false",
        });
    }
}
