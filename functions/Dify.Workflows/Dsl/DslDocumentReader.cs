using System.Text.Json.Nodes;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Reads the blocks of a parsed app file (app, workflow or model_config, variables, features,
/// dependencies) into a <see cref="DslDocument"/>. Returns null only when a required block is missing;
/// smaller problems are reported and reading carries on so the user sees them all at once.
/// </summary>
internal sealed class DslDocumentReader(DslProblemList problems)
{
    private static readonly HashSet<string> EnvironmentTypes = new(StringComparer.Ordinal) { "string", "number", "secret" };

    private static readonly HashSet<string> ConversationTypes = new(StringComparer.Ordinal)
    {
        "string", "number", "integer", "float", "object", "boolean", "secret",
        "array[string]", "array[number]", "array[object]", "array[boolean]", "array[any]",
    };

    public DslDocument? Read(JsonObject root, string version)
    {
        var app = ReadApp(root["app"]);
        if (app is null) return null;
        var dependencies = ReadDependencies(root["dependencies"]);
        if (!app.Mode.HasGraph())
        {
            if (root["model_config"] is not JsonObject modelConfig)
            {
                problems.Error(null, "model_config", $"a {app.Mode.ToDsl()} app needs a model_config mapping");
                return null;
            }
            return new DslDocument(version, app, null, new JsonObject(), [], [], modelConfig.DeepClone().AsObject(), dependencies);
        }

        if (root["workflow"] is not JsonObject workflow)
        {
            problems.Error(null, "workflow", $"a {app.Mode.ToDsl()} app needs a workflow mapping");
            return null;
        }
        if (workflow["graph"] is not JsonObject graphJson)
        {
            problems.Error(null, "workflow.graph", "the workflow has no graph mapping");
            return null;
        }
        var graph = new GraphReader(problems).Read(graphJson);
        new GraphValidator(problems).Validate(graph, app.Mode);
        var features = workflow["features"] as JsonObject ?? [];
        return new DslDocument(
            version, app, graph, features.DeepClone().AsObject(),
            ReadVariables(workflow["environment_variables"], "environment_variables", EnvironmentTypes, unknownIsError: true,
                (id, name, type, value, description) => new EnvironmentVariable(id, name, type, value, description)),
            ReadVariables(workflow["conversation_variables"], "conversation_variables", ConversationTypes, unknownIsError: false,
                (id, name, type, value, description) => new ConversationVariable(id, name, type, value, description)),
            null, dependencies);
    }

    private AppInfo? ReadApp(JsonNode? node)
    {
        if (node is not JsonObject app)
        {
            problems.Error(null, "app", "missing app data (the app mapping)");
            return null;
        }
        var modeText = JsonText.ScalarText(app["mode"]);
        if (modeText is null)
        {
            problems.Error(null, "app.mode", "missing app mode");
            return null;
        }
        if (!AppModes.TryParse(modeText, out var mode))
        {
            problems.Error(null, "app.mode", $"invalid app mode '{modeText}'");
            return null;
        }
        return new AppInfo(
            JsonText.ScalarText(app["name"]) ?? "",
            mode,
            JsonText.ScalarText(app["description"]) ?? "",
            JsonText.ScalarText(app["icon"]),
            JsonText.ScalarText(app["icon_type"]),
            JsonText.ScalarText(app["icon_background"]),
            JsonText.IsTrue(app["use_icon_as_answer_icon"]));
    }

    private JsonArray ReadDependencies(JsonNode? node)
    {
        if (node is JsonArray list) return list.DeepClone().AsArray();
        if (node is not null) problems.Warning(null, "dependencies", "dependencies must be a list; ignored");
        return [];
    }

    private List<T> ReadVariables<T>(
        JsonNode? node, string field, HashSet<string> knownTypes, bool unknownIsError,
        Func<string, string, string, JsonNode?, string, T> create)
    {
        var result = new List<T>();
        if (node is null) return result;
        if (node is not JsonArray list)
        {
            problems.Error(null, $"workflow.{field}", $"{field} must be a list");
            return result;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"workflow.{field}[{i}]";
            if (list[i] is not JsonObject item)
            {
                problems.Error(null, path, "a variable must be a mapping");
                continue;
            }
            var name = JsonText.ScalarText(item["name"]);
            if (string.IsNullOrEmpty(name))
            {
                problems.Error(null, $"{path}.name", "the variable has no name");
                continue;
            }
            if (!names.Add(name)) problems.Error(null, $"{path}.name", $"variable '{name}' is defined twice");
            var type = JsonText.ScalarText(item["value_type"]) ?? "string";
            if (!knownTypes.Contains(type))
            {
                var message = $"variable '{name}' has unknown value_type '{type}'";
                if (unknownIsError) problems.Error(null, $"{path}.value_type", message);
                else problems.Warning(null, $"{path}.value_type", message);
            }
            result.Add(create(JsonText.ScalarText(item["id"]) ?? "", name, type, item["value"]?.DeepClone(),
                JsonText.ScalarText(item["description"]) ?? ""));
        }
        return result;
    }
}
