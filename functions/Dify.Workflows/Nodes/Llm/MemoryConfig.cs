using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Chatflow memory: {window: {enabled, size}, role_prefix: {user, assistant}, query_prompt_template}.
/// Shared by llm, question-classifier and parameter-extractor.
/// </summary>
public sealed record MemoryConfig(bool WindowEnabled, int WindowSize, string UserPrefix, string AssistantPrefix, VariableTemplate? QueryPrompt)
{
    /// <summary>With the window off Dify keeps recent history up to a token budget (about 2000).</summary>
    private const int UnwindowedTokenBudget = 2000;

    public static MemoryConfig? Parse(NodeDataReader reader, string field = "memory")
    {
        if (reader.Raw(field) is not JsonObject memory) return null;
        var window = memory["window"] as JsonObject;
        var enabled = NodeDataReader.Bool(window, "enabled");
        var size = reader.Int(window, "size", 50, field + ".window.size");
        var prefix = memory["role_prefix"] as JsonObject;
        var user = reader.String(prefix, "user", false, field + ".role_prefix.user");
        var assistant = reader.String(prefix, "assistant", false, field + ".role_prefix.assistant");
        var query = reader.String(memory, "query_prompt_template", false, field + ".query_prompt_template");
        return new MemoryConfig(
            enabled,
            Math.Max(0, size),
            string.IsNullOrEmpty(user) ? "Human" : user,
            string.IsNullOrEmpty(assistant) ? "Assistant" : assistant,
            string.IsNullOrEmpty(query) ? null : VariableTemplate.Parse(query));
    }

    /// <summary>The turns memory keeps: the last window.size turns, or as many recent turns as fit the budget.</summary>
    public IReadOnlyList<ConversationTurn> Select(IReadOnlyList<ConversationTurn> history)
    {
        if (history.Count == 0) return [];
        if (WindowEnabled) return WindowSize == 0 ? [] : history.Skip(Math.Max(0, history.Count - WindowSize)).ToList();
        var kept = new List<ConversationTurn>();
        var tokens = 0;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            tokens += EstimateTokens(history[i].Query) + EstimateTokens(history[i].Answer);
            if (tokens > UnwindowedTokenBudget && kept.Count > 0) break;
            kept.Insert(0, history[i]);
        }
        return kept;
    }

    /// <summary>"Human: q\nAssistant: a" lines, Dify's completion-mode transcript.</summary>
    public string Transcript(IReadOnlyList<ConversationTurn> turns)
    {
        var sb = new StringBuilder();
        foreach (var t in turns)
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(UserPrefix).Append(": ").Append(t.Query).Append('\n').Append(AssistantPrefix).Append(": ").Append(t.Answer);
        }
        return sb.ToString();
    }

    // A rough count (about four characters a token) is enough to bound the prompt; the model reports real usage.
    private static int EstimateTokens(string text) => (text.Length + 3) / 4;
}
