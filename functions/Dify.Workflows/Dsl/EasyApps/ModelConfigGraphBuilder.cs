using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Workflows.Graph;

namespace Dify.Workflows.Dsl.EasyApps;

/// <summary>
/// Dify's "easy UI" apps (chat, agent-chat, completion) carry a model_config instead of a graph.
/// This builds the workflow Dify itself would run for them: start (the user_input_form) →
/// knowledge-retrieval (when datasets are attached) → llm (pre_prompt, memory for chat) → answer.
/// The document keeps its model_config; only execution uses the graph.
/// </summary>
public static partial class ModelConfigGraphBuilder
{
    public const string StartId = "start";
    public const string RetrievalId = "knowledge";
    public const string LlmId = "llm";
    public const string AnswerId = "answer";

    /// <summary>Dify's simple prompts reference inputs as {{name}}.</summary>
    [GeneratedRegex(@"\{\{([a-zA-Z_][a-zA-Z0-9_]{0,29})\}\}")]
    private static partial Regex InputReference();

    public static WorkflowGraph Build(DslDocument document)
    {
        var config = document.ModelConfig ?? new JsonObject();
        var isCompletion = document.App.Mode == AppMode.Completion;
        var nodes = new List<GraphNode>();
        var edges = new List<GraphEdge>();

        nodes.Add(Node(StartId, "start", "Start", new JsonObject { ["variables"] = StartVariables(config["user_input_form"] as JsonArray) }));
        var previous = StartId;

        var datasetIds = DatasetIds(config);
        if (datasetIds.Count > 0)
        {
            var datasets = config["dataset_configs"] as JsonObject ?? new JsonObject();
            var queryVariable = config["dataset_query_variable"]?.ToString();
            JsonArray query = isCompletion && !string.IsNullOrEmpty(queryVariable) ? new JsonArray(StartId, queryVariable) : new JsonArray("sys", "query");
            nodes.Add(Node(RetrievalId, "knowledge-retrieval", "Knowledge", new JsonObject
            {
                ["query_variable_selector"] = query,
                ["dataset_ids"] = new JsonArray(datasetIds.Select(id => (JsonNode?)id).ToArray()),
                ["retrieval_mode"] = datasets["retrieval_model"]?.ToString() == "single" ? "single" : "multiple",
                ["multiple_retrieval_config"] = new JsonObject
                {
                    ["top_k"] = datasets["top_k"]?.DeepClone() ?? 4,
                    ["score_threshold"] = NodeScoreThreshold(datasets),
                    ["reranking_enable"] = datasets["reranking_enable"]?.DeepClone() ?? false,
                },
                ["single_retrieval_config"] = new JsonObject { ["model"] = config["model"]?.DeepClone() },
            }));
            edges.Add(Edge(previous, RetrievalId));
            previous = RetrievalId;
        }

        var prompt = InputReference().Replace(config["pre_prompt"]?.ToString() ?? "", m => $"{{{{#{StartId}.{m.Groups[1].Value}#}}}}");
        if (datasetIds.Count > 0)
            prompt += "\n\nUse the following context as your learned knowledge, inside <context></context> XML tags.\n<context>\n{{#context#}}\n</context>";
        var llm = new JsonObject
        {
            ["model"] = config["model"]?.DeepClone() ?? new JsonObject(),
            ["context"] = new JsonObject
            {
                ["enabled"] = datasetIds.Count > 0,
                ["variable_selector"] = datasetIds.Count > 0 ? new JsonArray(RetrievalId, "result") : new JsonArray(),
            },
            ["vision"] = new JsonObject { ["enabled"] = config["file_upload"]?["image"]?["enabled"]?.DeepClone() ?? false },
        };
        if (isCompletion)
        {
            llm["prompt_template"] = new JsonArray(new JsonObject { ["role"] = "user", ["text"] = prompt });
        }
        else
        {
            // Chat apps: the pre-prompt is the system message; memory adds history and the user's query.
            llm["prompt_template"] = prompt.Length > 0 ? new JsonArray(new JsonObject { ["role"] = "system", ["text"] = prompt }) : new JsonArray();
            llm["memory"] = new JsonObject
            {
                ["window"] = new JsonObject { ["enabled"] = false, ["size"] = 50 },
                ["query_prompt_template"] = "{{#sys.query#}}",
            };
        }
        nodes.Add(Node(LlmId, "llm", "LLM", llm));
        edges.Add(Edge(previous, LlmId));
        nodes.Add(Node(AnswerId, "answer", "Answer", new JsonObject { ["answer"] = $"{{{{#{LlmId}.text#}}}}" }));
        edges.Add(Edge(LlmId, AnswerId));
        return new WorkflowGraph(nodes, edges, null);
    }

    /// <summary>user_input_form items are {"text-input": {variable, label, required...}}; the start node wants {type: "text-input", ...}.</summary>
    private static JsonArray StartVariables(JsonArray? form)
    {
        var variables = new JsonArray();
        foreach (var item in form?.OfType<JsonObject>() ?? [])
        {
            foreach (var (type, body) in item)
            {
                if (body is not JsonObject b) continue;
                var v = (JsonObject)b.DeepClone();
                v["type"] = type;
                variables.Add(v);
            }
        }
        return variables;
    }

    private static List<string> DatasetIds(JsonObject config)
    {
        var list = new List<string>();
        var items = config["dataset_configs"]?["datasets"]?["datasets"] as JsonArray;
        foreach (var d in items?.OfType<JsonObject>() ?? [])
        {
            var ds = d["dataset"] as JsonObject;
            if (ds is null || ds["enabled"] is JsonValue e && e.TryGetValue<bool>(out var enabled) && !enabled) continue;
            if (ds["id"]?.ToString() is { Length: > 0 } id) list.Add(id);
        }
        return list;
    }

    private static JsonNode? NodeScoreThreshold(JsonObject datasets) =>
        datasets["score_threshold_enabled"] is JsonValue on && on.TryGetValue<bool>(out var enabled) && enabled ? datasets["score_threshold"]?.DeepClone() : null;

    private static GraphNode Node(string id, string type, string title, JsonObject data)
    {
        data["type"] = type;
        data["title"] = title;
        var raw = new JsonObject { ["id"] = id, ["type"] = "custom", ["data"] = data.DeepClone() };
        return new GraphNode(id, type, title, data, null, raw);
    }

    private static GraphEdge Edge(string source, string target) =>
        new($"{source}-source-{target}-target", source, "source", target, "target", new JsonObject { ["source"] = source, ["target"] = target });
}
