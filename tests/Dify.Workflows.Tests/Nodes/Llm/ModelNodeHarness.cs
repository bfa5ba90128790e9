using System.Text.Json.Nodes;
using Dify.Models;
using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Dsl;
using Dify.Workflows.Graph;
using Dify.Workflows.Nodes;
using Dify.Workflows.Variables;
using Microsoft.Extensions.Options;

namespace Dify.Workflows.Tests.Nodes.Llm;

/// <summary>Collects what a node streams, in order.</summary>
public sealed class RecordingNodeStream : INodeStream
{
    private readonly List<(string Variable, string Text, bool IsFinal)> _chunks = [];
    private readonly List<string> _reasoning = [];

    public IReadOnlyList<(string Variable, string Text, bool IsFinal)> Chunks => _chunks;
    public IReadOnlyList<string> Reasoning => _reasoning;
    public string Text(string variable = "text") => string.Concat(_chunks.Where(c => c.Variable == variable).Select(c => c.Text));

    public ValueTask ChunkAsync(string variable, string text, bool isFinal = false, CancellationToken cancellationToken = default)
    {
        lock (_chunks) _chunks.Add((variable, text, isFinal));
        return ValueTask.CompletedTask;
    }

    public ValueTask ReasoningAsync(string text, bool isFinal = false, CancellationToken cancellationToken = default)
    {
        lock (_reasoning) _reasoning.Add(text);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Parses node data the way the importer does and runs the executor against a pool.</summary>
public static class ModelNodeHarness
{
    /// <summary>The real adapter pointed at the local OpenAI-compatible server (no retries).</summary>
    public static ModelProviders ModelsFor(OpenAiCompatibleServer server) => new(Options.Create(new ModelsOptions
    {
        Default = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = "sk-test" },
        MaxRetries = 0,
        TimeoutSeconds = 30,
    }));

    public static GraphNode Node(string type, JsonObject data, string id = "n1") =>
        new(id, type, type, data, null, new JsonObject());

    public static object Parse(INodeExecutor executor, JsonObject data, out List<DslProblem> problems, string id = "n1")
    {
        problems = [];
        return executor.ParseData(new NodeDataReader("test.yml", Node(executor.NodeType, FromText(data), id), problems));
    }

    /// <summary>
    /// Node data as the importer produces it: parsed from text. (NodeDataReader reads numbers with GetValue&lt;double&gt;,
    /// which only works on parsed values, not on ints put into a JsonObject in code.)
    /// </summary>
    public static JsonObject FromText(JsonObject data) => JsonNode.Parse(data.ToJsonString())!.AsObject();

    public static object ParseValid(INodeExecutor executor, JsonObject data, string id = "n1")
    {
        var parsed = Parse(executor, data, out var problems, id);
        Assert.True(problems.Count(p => !p.IsWarning) == 0, string.Join("; ", problems));
        return parsed;
    }

    public static async Task<NodeRunResult> RunAsync(
        INodeExecutor executor, JsonObject data, VariablePool pool,
        INodeStream? stream = null, IReadOnlyList<ConversationTurn>? history = null, AppMode mode = AppMode.Workflow, string id = "n1")
    {
        var parsed = ParseValid(executor, data, id);
        var context = new NodeRunContext(Node(executor.NodeType, data, id), pool, new RunInfo("run-1", "app-1", "wf-1", mode, "user-1"),
            stream ?? NullNodeStream.Instance, history);
        try
        {
            return await executor.RunAsync(context, parsed, CancellationToken.None);
        }
        catch (NodeExecutionException ex)
        {
            // What the engine's activity runner does with a thrown node error.
            return NodeRunResult.Failure(ex.Message, ex.ErrorType);
        }
    }

    public static VariablePool Pool(params (string Node, string Name, JsonNode? Value)[] values)
    {
        var pool = new VariablePool();
        foreach (var (node, name, value) in values) pool.Set(node, name, value);
        return pool;
    }

    public static JsonObject Model(string mode = "chat", JsonObject? completionParams = null) => new()
    {
        ["provider"] = "langgenius/openai/openai",
        ["name"] = "gpt-4o-mini",
        ["mode"] = mode,
        ["completion_params"] = completionParams ?? new JsonObject(),
    };
}
