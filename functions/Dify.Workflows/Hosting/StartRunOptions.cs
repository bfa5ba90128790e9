using System.Text.Json.Nodes;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Nodes;

namespace Dify.Workflows.Hosting;

/// <summary>What a caller supplies to start a run (the Service API request or the CLI flags).</summary>
public sealed record StartRunOptions
{
    public JsonObject Inputs { get; init; } = new();
    public string User { get; init; } = "cli-user";
    public string? Query { get; init; }
    public JsonArray Files { get; init; } = new();
    public string? RunId { get; init; }
    public string? TaskId { get; init; }
    public string AppId { get; init; } = "local";
    public string? ConversationId { get; init; }
    public int DialogueCount { get; init; }
    public JsonObject? ConversationVariables { get; init; }
    public IReadOnlyList<ConversationTurn>? History { get; init; }
    public RunLimits? Limits { get; init; }
}
