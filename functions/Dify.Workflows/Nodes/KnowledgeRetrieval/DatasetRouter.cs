using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes.Llm;

namespace Dify.Workflows.Nodes.KnowledgeRetrieval;

/// <summary>What the single-mode router chose, and the call it made (null when there was nothing to choose between).</summary>
internal sealed record RouterChoice(DatasetInfo? Dataset, ModelCallResult? Call, IReadOnlyList<ChatMessage> Messages);

/// <summary>
/// Single mode: the model picks one dataset by its description. Each dataset is offered as a tool; a model that
/// answers in text instead is read for a dataset's tool name, id or name (Dify's ReAct fallback).
/// </summary>
internal static partial class DatasetRouter
{
    private const string System = "You are a helpful AI assistant. Pick the one knowledge base that can best answer the user's question by calling its tool. Each tool's description says what its knowledge base contains.";

    [GeneratedRegex("[^a-zA-Z0-9_-]")]
    private static partial Regex Invalid();

    public static async Task<RouterChoice> ChooseAsync(IModelProviders models, LlmModelConfig model, string query, IReadOnlyList<DatasetInfo> datasets, CancellationToken ct)
    {
        if (datasets.Count <= 1) return new RouterChoice(datasets.FirstOrDefault(), null, []);
        var names = datasets.Select(ToolName).ToList();
        var tools = datasets.Select((d, i) => new ChatTool(names[i], string.IsNullOrWhiteSpace(d.Description) ? d.Name : d.Description, Schema())).ToList();
        List<ChatMessage> messages = [ChatMessage.FromText(ChatRole.System, System), ChatMessage.FromText(ChatRole.User, query)];
        var call = await ModelCall.CompleteAsync(models, new ChatRequest(model.Provider, model.Name, messages, model.Parameters, tools), ct).ConfigureAwait(false);
        if (call.Completion is not { } completion) return new RouterChoice(null, call, messages);

        foreach (var toolCall in completion.ToolCalls)
        {
            var index = names.IndexOf(toolCall.Name);
            if (index >= 0) return new RouterChoice(datasets[index], call, messages);
        }
        var text = completion.Text;
        for (var i = 0; i < datasets.Count; i++)
        {
            if (text.Contains(names[i], StringComparison.Ordinal) || text.Contains(datasets[i].Id, StringComparison.Ordinal))
                return new RouterChoice(datasets[i], call, messages);
        }
        var byName = datasets.FirstOrDefault(d => text.Contains(d.Name, StringComparison.OrdinalIgnoreCase));
        return new RouterChoice(byName, call, messages);
    }

    /// <summary>OpenAI function names allow [a-zA-Z0-9_-], at most 64 characters.</summary>
    public static string ToolName(DatasetInfo dataset)
    {
        var name = "dataset_" + Invalid().Replace(dataset.Id, "_");
        return name.Length <= 64 ? name : name[..64];
    }

    private static JsonObject Schema() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["query"] = new JsonObject { ["type"] = "string", ["description"] = "The question to search this knowledge base for." },
        },
        ["required"] = new JsonArray("query"),
    };
}
