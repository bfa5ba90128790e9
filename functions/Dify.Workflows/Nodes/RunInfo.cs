using Dify.Workflows.Dsl;

namespace Dify.Workflows.Nodes;

/// <summary>Identity of the run a node executes in. Serialisable (travels with activity inputs).</summary>
public sealed record RunInfo(
    string RunId,
    string AppId,
    string WorkflowId,
    AppMode Mode,
    string UserId,
    string? ConversationId = null,
    string? TaskId = null);
