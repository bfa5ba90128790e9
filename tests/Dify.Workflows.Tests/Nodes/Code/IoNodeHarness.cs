using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;
using Dify.Workflows.Graph;
using Dify.Workflows.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Tests.Nodes.Code;

/// <summary>Runs one executor the way the engine does: parse the DSL-shaped data, then run against a pool.</summary>
internal static class IoNodeHarness
{
    /// <summary>Data as the DSL importer produces it: parsed JSON (numbers backed by JSON text, not CLR ints).</summary>
    public static GraphNode Node(string type, JsonObject data, string id = "n1")
    {
        data = JsonNode.Parse(data.ToJsonString())!.AsObject();
        data["type"] = type;
        return new GraphNode(id, type, "title", data, null, data);
    }

    public static List<DslProblem> Problems(INodeExecutor executor, JsonObject data)
    {
        var problems = new List<DslProblem>();
        executor.ParseData(new NodeDataReader("test.yml", Node(executor.NodeType, data), problems));
        return problems;
    }

    public static async Task<NodeRunResult> RunAsync(INodeExecutor executor, JsonObject data, VariablePool? pool = null, CancellationToken cancellationToken = default)
    {
        var node = Node(executor.NodeType, data);
        var problems = new List<DslProblem>();
        var parsed = executor.ParseData(new NodeDataReader("test.yml", node, problems));
        Assert.Empty(problems.Where(p => !p.IsWarning).Select(p => p.ToString()));
        var context = new NodeRunContext(node, pool ?? new VariablePool(), new RunInfo("run", "app", "wf", AppMode.Workflow, "user"), NullNodeStream.Instance);
        return await executor.RunAsync(context, parsed, cancellationToken);
    }

    public static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();
}
