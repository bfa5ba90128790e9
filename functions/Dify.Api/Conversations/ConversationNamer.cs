using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Models;
using Dify.Models.Chat;
using Dify.Storage.Conversations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Api.Conversations;

/// <summary>
/// Names conversations as Dify does when <c>auto_generate_name</c> is on: the first query goes to the app's
/// model, which answers a JSON object whose "Your Output" is the title. Names are capped at 75 characters.
/// When the model's answer is not that JSON, the query itself is the name (Dify's fallback); when the call
/// fails or the app has no model, the conversation keeps the query-based name it was created with.
/// New conversations are named in the background so the first answer is never delayed by it.
/// </summary>
public sealed class ConversationNamer(IModelProviders models, IConversationStore conversations, IHostApplicationLifetime lifetime, ILogger<ConversationNamer> logger)
{
    public const string DefaultName = "New conversation";
    public const int MaxNameLength = 75;

    /// <summary>Our wording of Dify's title instruction; the JSON keys are Dify's, so answers parse the same.</summary>
    public const string Instruction =
        "Write a short chat title for the user input below by combining its intention and its subject into one phrase, "
        + "as short as possible, natural, and in the same language as the input (an emoji at the end is fine when the input is a question to you).\n"
        + "Answer with only this JSON object and nothing else:\n"
        + "{\"Language Type\": \"<the input's language>\", \"Your Reasoning\": \"<one short sentence>\", \"Your Output\": \"<the title>\"}\n\n"
        + "User Input: ";

    private readonly ConcurrentDictionary<string, Task> _pending = new(StringComparer.Ordinal);

    /// <summary>Background namings not finished yet (tests and shutdown wait on these).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_pending.Values);

    /// <summary>The name a conversation starts with: the query's start, or Dify's default when auto naming is off.</summary>
    public static string InitialName(string query, bool autoGenerate) => autoGenerate ? Fallback(query) : DefaultName;

    /// <summary>Starts naming <paramref name="conversation"/> after <paramref name="query"/>; the stored name changes when the model answers.</summary>
    public void NameInBackground(ActiveApp app, ConversationRecord conversation, string query)
    {
        if (AppModel.FirstLlm(app) is null) return;
        var task = Task.Run(async () =>
        {
            try
            {
                var name = await GenerateAsync(app, query, lifetime.ApplicationStopping);
                await conversations.RenameAsync(app.Id, conversation.EndUserId, conversation.Id, name, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException)
            {
                // Host stopping: the conversation keeps its first name.
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Naming conversation {ConversationId} of app {AppId} failed", conversation.Id, app.Id);
            }
            finally
            {
                _pending.TryRemove(conversation.Id, out _);
            }
        });
        _pending[conversation.Id] = task;
    }

    /// <summary>A title from the app's model for <paramref name="query"/>; the query-based name when the model cannot give one.</summary>
    public async Task<string> GenerateAsync(ActiveApp app, string query, CancellationToken cancellationToken)
    {
        if (AppModel.FirstLlm(app) is not var (provider, model)) return Fallback(query);
        var input = Prepare(query);
        string answer;
        try
        {
            var reply = await models.Chat.CompleteAsync(new ChatRequest(provider, model, [ChatMessage.FromText(ChatRole.User, Instruction + input + "\n")],
                new ChatParameters(Temperature: 1, MaxTokens: 500)), null, cancellationToken);
            answer = reply.Text;
        }
        catch (ModelProviderException ex)
        {
            logger.LogWarning("Conversation name from model {Model} failed: {Error}", model, ex.Message);
            return Fallback(query);
        }
        return Cap((Parse(answer) ?? input).Trim());
    }

    /// <summary>"Your Output" of the outermost JSON object in <paramref name="answer"/>, or null.</summary>
    public static string? Parse(string answer)
    {
        var start = answer.IndexOf('{');
        var end = answer.LastIndexOf('}');
        if (start < 0 || end <= start) return null;
        try
        {
            return JsonNode.Parse(answer[start..(end + 1)]) is JsonObject o && o["Your Output"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The deterministic name: the query on one line, capped like a generated one.</summary>
    public static string Fallback(string query)
    {
        var line = query.ReplaceLineEndings(" ").Trim();
        return line.Length == 0 ? DefaultName : Cap(line);
    }

    /// <summary>Long inputs keep their start and end (Dify sends 300 + 300 characters of inputs over 2000).</summary>
    private static string Prepare(string query)
    {
        if (query.Length > 2000) query = string.Concat(query.AsSpan(0, 300), "...[TRUNCATED]...", query.AsSpan(query.Length - 300));
        return query.ReplaceLineEndings(" ");
    }

    private static string Cap(string name) => name.Length > MaxNameLength ? name[..MaxNameLength] + "..." : name;
}
