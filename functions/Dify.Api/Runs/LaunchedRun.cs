using Dify.Api.Apps;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Runtime;

namespace Dify.Api.Runs;

/// <summary>A run the API started: ids for the response, and the task that ends when its outcome is recorded.</summary>
public sealed record LaunchedRun(
    string RunId,
    ActiveApp App,
    string? ConversationId,
    string? MessageId,
    long CreatedAt,
    Task<WorkflowRunResult> Completion)
{
    /// <summary>Dify's task id; here the run id (stop endpoints take either).</summary>
    public string TaskId => RunId;
    public bool IsChat => MessageId is not null;

    public AppMode Mode => App.Definition.Mode;

    /// <summary>Completion messages have a (hidden) conversation, but their events and answers do not name it.</summary>
    public bool ShowsConversation => IsChat && Mode != AppMode.Completion;

    /// <summary>Easy-UI apps (chat, agent-chat, completion) stream only message events, as Dify's EasyUI pipeline does.</summary>
    public bool MessagesOnly => Mode is AppMode.Chat or AppMode.AgentChat or AppMode.Completion;
}
