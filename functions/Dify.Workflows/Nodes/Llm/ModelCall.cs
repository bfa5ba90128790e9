using System.Text.Json.Nodes;
using Dify.Models;
using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>A finished non-streaming model call, or the provider's failure message.</summary>
public sealed record ModelCallResult(ChatCompletion? Completion, string? Error)
{
    public bool Failed => Completion is null;
    public TokenUsage Usage => Completion?.Usage ?? TokenUsage.Empty;
}

/// <summary>
/// The non-streaming call question-classifier, parameter-extractor and the knowledge router make, and the
/// process_data Dify records for it.
/// </summary>
public static class ModelCall
{
    public static async Task<ModelCallResult> CompleteAsync(IModelProviders models, ChatRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return new ModelCallResult(await models.Chat.CompleteAsync(request, null, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ModelProviderException ex)
        {
            return new ModelCallResult(null, ex.Message);
        }
    }

    public static JsonObject ProcessData(LlmModelConfig model, IEnumerable<ChatMessage> messages, ModelCallResult? result)
    {
        var processData = new JsonObject();
        model.WriteTo(processData);
        processData["prompts"] = PromptRecord.ToJson(messages);
        if (result?.Completion is { } c)
        {
            processData["usage"] = LlmUsage.ToJson(c.Usage);
            processData["finish_reason"] = c.FinishReason;
        }
        return processData;
    }

    /// <summary>Completion-mode models get one user prompt: the chat messages' texts joined.</summary>
    public static List<ChatMessage> ForMode(LlmModelConfig model, List<ChatMessage> messages)
    {
        if (!model.IsCompletionMode) return messages;
        var images = messages.SelectMany(m => m.Content.Where(p => p.ImageUrl is not null)).ToList();
        var text = string.Join("\n\n", messages.Select(m => m.Text).Where(t => t.Length > 0));
        return [new ChatMessage(ChatRole.User, [ChatContentPart.FromText(text), .. images])];
    }
}
