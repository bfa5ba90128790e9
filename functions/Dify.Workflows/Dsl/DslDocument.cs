using System.Text.Json.Nodes;
using Dify.Workflows.Graph;

namespace Dify.Workflows.Dsl;

public enum AppMode { Workflow, AdvancedChat, Chat, AgentChat, Completion }

public static class AppModes
{
    public static string ToDsl(this AppMode mode) => mode switch
    {
        AppMode.Workflow => "workflow",
        AppMode.AdvancedChat => "advanced-chat",
        AppMode.Chat => "chat",
        AppMode.AgentChat => "agent-chat",
        AppMode.Completion => "completion",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParse(string? text, out AppMode mode)
    {
        (var ok, mode) = text switch
        {
            "workflow" => (true, AppMode.Workflow),
            "advanced-chat" => (true, AppMode.AdvancedChat),
            "chat" => (true, AppMode.Chat),
            "agent-chat" => (true, AppMode.AgentChat),
            "completion" => (true, AppMode.Completion),
            _ => (false, AppMode.Workflow),
        };
        return ok;
    }

    /// <summary>Modes whose output is a chat answer (message events) rather than End outputs.</summary>
    public static bool AnswersInMessages(this AppMode mode) => mode != AppMode.Workflow;

    /// <summary>Modes that carry a workflow graph rather than a model_config.</summary>
    public static bool HasGraph(this AppMode mode) => mode is AppMode.Workflow or AppMode.AdvancedChat;
}

public sealed record AppInfo(
    string Name,
    AppMode Mode,
    string Description,
    string? Icon,
    string? IconType,
    string? IconBackground,
    bool UseIconAsAnswerIcon);

/// <summary>environment_variables item; value_type is string | number | secret.</summary>
public sealed record EnvironmentVariable(string Id, string Name, string ValueType, JsonNode? Value, string Description);

/// <summary>conversation_variables item; value is the default for a new conversation.</summary>
public sealed record ConversationVariable(string Id, string Name, string ValueType, JsonNode? Value, string Description);

/// <summary>
/// An imported app file, normalised (legacy shapes fixed, custom-note nodes dropped, provider names
/// shortened). <see cref="Graph"/> is null for chat/completion apps, which have <see cref="ModelConfig"/>.
/// </summary>
public sealed record DslDocument(
    string Version,
    AppInfo App,
    WorkflowGraph? Graph,
    JsonObject Features,
    IReadOnlyList<EnvironmentVariable> EnvironmentVariables,
    IReadOnlyList<ConversationVariable> ConversationVariables,
    JsonObject? ModelConfig,
    JsonArray Dependencies);

/// <summary>One problem found in an app file: which file, node and field, and what is wrong.</summary>
public sealed record DslProblem(string File, string? NodeId, string? Field, string Message, bool IsWarning = false)
{
    public override string ToString()
    {
        var where = File;
        if (NodeId is not null) where += $": node '{NodeId}'";
        if (Field is not null) where += $": field '{Field}'";
        return $"{where}: {(IsWarning ? "warning: " : "")}{Message}";
    }
}

/// <summary>Thrown when an app file cannot be imported; lists every problem.</summary>
public sealed class DslValidationException(IReadOnlyList<DslProblem> problems)
    : Exception("The app file is invalid:\n" + string.Join("\n", problems.Where(p => !p.IsWarning).Select(p => "  - " + p)))
{
    public IReadOnlyList<DslProblem> Problems { get; } = problems;
}
