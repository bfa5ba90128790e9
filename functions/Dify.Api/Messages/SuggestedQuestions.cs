using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Storage.Conversations;
using Microsoft.Extensions.Logging;

namespace Dify.Api.Messages;

/// <summary>
/// Suggested questions after an answer, as Dify makes them: the conversation so far is sent to the
/// app's model with Dify's instruction, and the first JSON array in the reply is the answer (at most 3
/// questions). A model failure gives no suggestions rather than an error, as in Dify.
/// </summary>
public sealed class SuggestedQuestions(IModelProviders models, IConversationStore conversations, ILogger<SuggestedQuestions> logger)
{
    public const string Instruction =
        "Please help me predict the three most likely questions that human would ask, and keeping each question under 20 characters.\n"
        + "MAKE SURE your output is the SAME language as the Assistant's latest response(if the main response is written in Chinese, then the language of your output must be using Chinese.)!\n"
        + "The output must be an array in JSON format following the specified schema:\n[\"question1\",\"question2\",\"question3\"]\n";

    public static bool Enabled(ActiveApp app) =>
        app.Definition.Document.Features["suggested_questions_after_answer"]?["enabled"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public async Task<IReadOnlyList<string>> AskAsync(ActiveApp app, MessageRecord message, CancellationToken cancellationToken)
    {
        var (provider, model) = AppModel.FirstLlm(app) ?? ("openai", "gpt-4o-mini");
        var history = new StringBuilder();
        foreach (var turn in (await conversations.HistoryAsync(message.ConversationId, cancellationToken)).TakeLast(3))
            history.Append("Human: ").Append(turn.Query).Append("\nAssistant: ").Append(turn.Answer).Append('\n');
        var prompt = history + "\n" + Instruction;
        try
        {
            var reply = await models.Chat.CompleteAsync(new ChatRequest(provider, model, [ChatMessage.FromText(ChatRole.User, prompt)],
                new ChatParameters(Temperature: 0, MaxTokens: 256)), null, cancellationToken);
            return Parse(reply.Text);
        }
        catch (ModelProviderException ex)
        {
            logger.LogWarning("Suggested questions for message {MessageId} failed: {Error}", message.Id, ex.Message);
            return [];
        }
    }

    /// <summary>The first JSON array of strings in <paramref name="text"/>, at most three.</summary>
    public static IReadOnlyList<string> Parse(string text)
    {
        var start = text.IndexOf('[');
        var end = text.LastIndexOf(']');
        if (start < 0 || end <= start) return [];
        try
        {
            return JsonNode.Parse(text[start..(end + 1)]) is JsonArray array
                ? array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).Take(3).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
