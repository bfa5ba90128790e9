using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Models.Chat;
using Dify.Workflows.Sandbox;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Assembles the messages an llm node sends (DIFY-SPEC §2.4 "Prompt assembly"): template messages, memory
/// turns, the memory query, vision images; empty messages dropped.
/// </summary>
internal sealed class LlmPromptBuilder(ICodeSandbox? jinja2Renderer)
{
    public const string NoPrompt = "No prompt found in the LLM configuration";

    public async Task<List<ChatMessage>> BuildAsync(NodeRunContext context, LlmNodeData data, string? contextText, CancellationToken cancellationToken)
    {
        var messages = data.CompletionPrompt is { } completion
            ? [ChatMessage.FromText(ChatRole.User, await CompletionTextAsync(context, data, completion, contextText, cancellationToken))]
            : await ChatMessagesAsync(context, data, contextText, cancellationToken);

        if (data.Vision.Enabled) VisionFiles.Attach(messages, VisionFiles.ImageParts(context.Pool, data.Vision.Selector, data.Vision.Detail));

        // A message is empty when it has no text worth sending and no image.
        messages.RemoveAll(m => string.IsNullOrWhiteSpace(m.Text) && !m.Content.Any(p => p.ImageUrl is not null));
        if (messages.Count == 0) throw new NodeExecutionException(NoPrompt, "NoPromptFoundError");
        return messages;
    }

    private async Task<List<ChatMessage>> ChatMessagesAsync(NodeRunContext context, LlmNodeData data, string? contextText, CancellationToken ct)
    {
        var messages = new List<ChatMessage>();
        foreach (var m in data.ChatPrompt ?? [])
            messages.Add(ChatMessage.FromText(m.Role, await RenderAsync(context.Pool, data, m, contextText, ct)));

        if (data.Memory is { } memory)
        {
            foreach (var turn in memory.Select(context.History))
            {
                messages.Add(ChatMessage.FromText(ChatRole.User, turn.Query));
                messages.Add(ChatMessage.FromText(ChatRole.Assistant, turn.Answer));
            }
            // With memory the current query closes the prompt; without it the template must reference sys.query itself.
            var query = memory.QueryPrompt is { } q ? PromptText.Render(q, context.Pool, contextText) : SysQuery(context.Pool);
            if (!string.IsNullOrEmpty(query)) messages.Add(ChatMessage.FromText(ChatRole.User, query));
        }
        return messages;
    }

    private async Task<string> CompletionTextAsync(NodeRunContext context, LlmNodeData data, LlmPromptMessage prompt, string? contextText, CancellationToken ct)
    {
        var text = await RenderAsync(context.Pool, data, prompt, contextText, ct);
        if (data.Memory is { } memory)
        {
            var histories = memory.Transcript(memory.Select(context.History));
            if (text.Contains("#histories#", StringComparison.Ordinal)) text = text.Replace("#histories#", histories, StringComparison.Ordinal);
            else if (histories.Length > 0) text = histories + "\n" + text;
        }
        if (text.Contains("#sys.query#", StringComparison.Ordinal)) text = text.Replace("#sys.query#", SysQuery(context.Pool), StringComparison.Ordinal);
        return text;
    }

    private async Task<string> RenderAsync(VariablePool pool, LlmNodeData data, LlmPromptMessage message, string? contextText, CancellationToken ct)
    {
        if (!message.IsJinja2) return PromptText.Render(message.Template, pool, contextText);
        if (jinja2Renderer is null)
            throw new NodeExecutionException("This LLM node uses a jinja2 prompt template, but no code sandbox is configured to render jinja2.", "TemplateRenderError");

        var inputs = new JsonObject();
        foreach (var v in data.Jinja2Variables) inputs[v.Name] = pool.Get(v.Selector)?.DeepClone();
        JsonNode? rendered;
        try
        {
            rendered = await jinja2Renderer.ExecuteAsync(CodeLanguage.Jinja2, message.Jinja2Text, inputs, ct).ConfigureAwait(false);
        }
        catch (CodeExecutionException ex)
        {
            throw new NodeExecutionException("Failed to render the jinja2 prompt: " + ex.Message, "TemplateRenderError", ex);
        }
        var text = rendered is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : ValueText.ToText(rendered);
        return text.Replace(PromptText.ContextPlaceholder, contextText ?? "", StringComparison.Ordinal);
    }

    private static string SysQuery(VariablePool pool) => ValueText.ToText(pool.Get(VariablePool.SystemNode, "query"));
}
