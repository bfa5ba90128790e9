using System.Text.Json.Nodes;
using Dify.Models.Chat;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>One prompt message: basic edition text (parsed once) or a jinja2 template rendered by the sandbox.</summary>
public sealed record LlmPromptMessage(ChatRole Role, bool IsJinja2, VariableTemplate Template, string Jinja2Text);

public sealed record Jinja2Variable(string Name, Selector Selector);

public sealed record VisionConfig(bool Enabled, Selector Selector, string? Detail);

public enum ReasoningFormat { Tagged, Separated }

public sealed record LlmNodeData(
    LlmModelConfig Model,
    /// <summary>Chat mode messages; null in completion mode.</summary>
    IReadOnlyList<LlmPromptMessage>? ChatPrompt,
    /// <summary>Completion mode's single prompt; null in chat mode.</summary>
    LlmPromptMessage? CompletionPrompt,
    IReadOnlyList<Jinja2Variable> Jinja2Variables,
    Selector? ContextSelector,
    MemoryConfig? Memory,
    VisionConfig Vision,
    /// <summary>The JSON schema when structured output is switched on.</summary>
    JsonObject? StructuredOutputSchema,
    ReasoningFormat ReasoningFormat);
