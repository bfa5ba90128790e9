using System.Text;
using Dify.Models.Chat;
using Sdk = OpenAI.Chat;

namespace Dify.Models.OpenAi;

/// <summary>Collects streamed updates (text, reasoning, tool-call pieces by index, usage, finish) into one result.</summary>
internal sealed class StreamingChatAccumulator
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();
    private readonly SortedDictionary<int, ToolCallBuilder> _toolCalls = new();
    private Sdk.ChatTokenUsage? _usage;
    private Sdk.ChatFinishReason? _finishReason;
    private string? _model;

    /// <summary>Adds one update and returns the delta to report (null when it carried no text or reasoning).</summary>
    public ChatDelta? Add(Sdk.StreamingChatCompletionUpdate update)
    {
        _model ??= string.IsNullOrEmpty(update.Model) ? null : update.Model;
        _usage = update.Usage ?? _usage;
        _finishReason = update.FinishReason ?? _finishReason;

        string? text = null;
        foreach (var part in update.ContentUpdate)
        {
            if (part.Kind == Sdk.ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
            {
                text = text is null ? part.Text : text + part.Text;
            }
        }

        if (!string.IsNullOrEmpty(update.RefusalUpdate))
        {
            text += update.RefusalUpdate;
        }

        foreach (var call in update.ToolCallUpdates)
        {
            if (!_toolCalls.TryGetValue(call.Index, out var builder))
            {
                builder = new ToolCallBuilder();
                _toolCalls[call.Index] = builder;
            }

            builder.Id ??= call.ToolCallId;
            builder.Name ??= call.FunctionName;
            if (call.FunctionArgumentsUpdate is { } args && !args.IsEmpty)
            {
                builder.Arguments.Append(args.ToString());
            }
        }

        var reasoning = ChatResultMapper.StreamingReasoning(update);
        _text.Append(text);
        _reasoning.Append(reasoning);
        return text is null && reasoning is null ? null : new ChatDelta(text, reasoning);
    }

    public ChatCompletion Build(string requestedModel, double latencySeconds) => new(
        _text.ToString(),
        _reasoning.Length == 0 ? null : _reasoning.ToString(),
        _toolCalls.Values
            .Select((c, i) => new ChatToolCall(c.Id ?? $"call_{i}", c.Name ?? "", c.Arguments.Length == 0 ? "{}" : c.Arguments.ToString()))
            .ToList(),
        _usage is { } u ? new TokenUsage(u.InputTokenCount, u.OutputTokenCount, latencySeconds) : new TokenUsage(0, 0, latencySeconds),
        _finishReason is { } reason ? ChatResultMapper.FinishReason(reason) : null,
        _model ?? requestedModel);

    private sealed class ToolCallBuilder
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
    }
}
