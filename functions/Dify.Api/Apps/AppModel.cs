using System.Text.Json.Nodes;

namespace Dify.Api.Apps;

/// <summary>
/// The model the API's own helper calls (suggested questions, conversation names) go to: the app's first
/// LLM node's. Dify uses the workspace's default model; an app here has no workspace, so its own model stands in.
/// </summary>
public static class AppModel
{
    /// <summary>(provider, model name) of the first LLM node, or null when the app has none.</summary>
    public static (string Provider, string Model)? FirstLlm(ActiveApp app) =>
        app.Definition.Nodes.Values.FirstOrDefault(n => n.Type == "llm")?.Node.Data["model"] is JsonObject model
            ? (model["provider"]?.ToString() ?? "openai", model["name"]?.ToString() ?? "")
            : null;
}
