using Dify.Workflows.Graph;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes;

/// <summary>Receives what a node streams while it runs (LLM tokens). The engine decides what reaches clients.</summary>
public interface INodeStream
{
    /// <summary>A streamed piece of the variable [node_id, <paramref name="variable"/>] (e.g. "text").</summary>
    ValueTask ChunkAsync(string variable, string text, bool isFinal = false, CancellationToken cancellationToken = default);

    /// <summary>Reasoning ("&lt;think&gt;") pieces, surfaced as reasoning_chunk events when asked for.</summary>
    ValueTask ReasoningAsync(string text, bool isFinal = false, CancellationToken cancellationToken = default);
}

/// <summary>A stream that drops everything (replays, tests, inline nodes).</summary>
public sealed class NullNodeStream : INodeStream
{
    public static NullNodeStream Instance { get; } = new();
    public ValueTask ChunkAsync(string variable, string text, bool isFinal = false, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    public ValueTask ReasoningAsync(string text, bool isFinal = false, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>Conversation history for chatflow memory (llm, question-classifier, parameter-extractor).</summary>
public sealed record ConversationTurn(string Query, string Answer);

/// <summary>Everything a node executor sees while it runs.</summary>
public sealed class NodeRunContext(GraphNode node, VariablePool pool, RunInfo run, INodeStream stream, IReadOnlyList<ConversationTurn>? history = null)
{
    public GraphNode Node { get; } = node;
    public VariablePool Pool { get; } = pool;
    public RunInfo Run { get; } = run;
    public INodeStream Stream { get; } = stream;
    /// <summary>Earlier turns of the conversation, oldest first (chatflow only; empty otherwise).</summary>
    public IReadOnlyList<ConversationTurn> History { get; } = history ?? [];

    /// <summary>Resolves a selector or fails the node with Dify's "Variable [..] not found" message.</summary>
    public System.Text.Json.Nodes.JsonNode? Require(Selector selector) =>
        Pool.TryGet(selector, out var v) ? v : throw new NodeExecutionException($"Variable {string.Join('.', selector.Parts)} not found", "VariableNotFoundError");
}
