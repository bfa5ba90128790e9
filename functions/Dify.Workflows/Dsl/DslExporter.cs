using System.Text.Json.Nodes;
using Dify.Workflows.Dsl.Yaml;
using Dify.Workflows.Graph;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Writes a <see cref="DslDocument"/> back as a Dify app file (the shape of <c>AppDslService.export_dsl</c>)
/// at the DSL version we speak. Nodes are their original canvas objects carrying the normalised data, so
/// Dify's editor shows the same canvas; secret environment values are blanked unless asked for.
/// </summary>
public sealed class DslExporter
{
    // Ids and handles are written quoted, as Dify does, so no reader can take '1754…' for a number or 'true' for a bool.
    private static readonly HashSet<string> QuotedKeys = new(StringComparer.Ordinal)
    {
        "id", "source", "target", "sourceHandle", "targetHandle", "parentId", "iteration_id", "loop_id", "start_node_id", "case_id",
    };

    public string Export(DslDocument doc, bool includeSecrets = false)
    {
        var root = new JsonObject
        {
            ["app"] = App(doc.App),
            ["dependencies"] = doc.Dependencies.DeepClone(),
            ["kind"] = "app",
            ["version"] = DslVersion.Current,
        };
        if (doc.Graph is { } graph)
        {
            root["workflow"] = new JsonObject
            {
                ["conversation_variables"] = new JsonArray(doc.ConversationVariables.Select(v => (JsonNode?)Variable(v.Id, v.Name, v.ValueType, v.Value?.DeepClone(), v.Description, "conversation")).ToArray()),
                ["environment_variables"] = new JsonArray(doc.EnvironmentVariables.Select(v => (JsonNode?)Variable(v.Id, v.Name, v.ValueType, SecretAware(v, includeSecrets), v.Description, "env")).ToArray()),
                ["features"] = doc.Features.DeepClone(),
                ["graph"] = Graph(graph),
            };
        }
        else
        {
            root["model_config"] = doc.ModelConfig?.DeepClone() ?? new JsonObject();
        }
        return YamlWriter.Write(root, QuotedKeys.Contains);
    }

    private static JsonObject App(AppInfo app) => new()
    {
        ["description"] = app.Description,
        ["icon"] = app.Icon,
        ["icon_background"] = app.IconBackground,
        ["icon_type"] = app.IconType,
        ["mode"] = app.Mode.ToDsl(),
        ["name"] = app.Name,
        ["use_icon_as_answer_icon"] = app.UseIconAsAnswerIcon,
    };

    private static JsonNode? SecretAware(EnvironmentVariable variable, bool includeSecrets) =>
        variable.ValueType == "secret" && !includeSecrets ? "" : variable.Value?.DeepClone();

    private static JsonObject Variable(string id, string name, string valueType, JsonNode? value, string description, string scope) => new()
    {
        ["description"] = description,
        ["id"] = id,
        ["name"] = name,
        ["selector"] = new JsonArray(scope, name),
        ["value"] = value,
        ["value_type"] = valueType,
    };

    private static JsonObject Graph(WorkflowGraph graph) => new()
    {
        ["edges"] = new JsonArray(graph.Edges.Select(e => (JsonNode?)Edge(e)).ToArray()),
        ["nodes"] = new JsonArray(graph.Nodes.Select(n => (JsonNode?)Node(n)).ToArray()),
        ["viewport"] = graph.Viewport?.DeepClone() ?? new JsonObject { ["x"] = 0, ["y"] = 0, ["zoom"] = 1 },
    };

    private static JsonObject Node(GraphNode node)
    {
        var result = node.Raw.DeepClone().AsObject();
        result["id"] = node.Id;
        result["data"] = node.Data.DeepClone();
        if (result["type"] is null) result["type"] = "custom";
        if (node.ParentId is { } parent && result["parentId"] is not null) result["parentId"] = parent;
        return result;
    }

    private static JsonObject Edge(GraphEdge edge)
    {
        var result = edge.Raw.DeepClone().AsObject();
        result["id"] = edge.Id;
        result["source"] = edge.Source;
        result["sourceHandle"] = edge.SourceHandle;
        result["target"] = edge.Target;
        result["targetHandle"] = edge.TargetHandle;
        return result;
    }
}
