using Dify.Workflows.Nodes;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>
/// Where a walk runs: the top level, an iteration item or a loop round. Events of nodes inside carry
/// iteration_id / loop_id. Conversation-variable writes inside an iteration item (whose pool is a
/// copy) are handed outward through <see cref="OnConversationUpdate"/>.
/// </summary>
internal sealed record Scope(string? IterationId, int? IterationIndex, string? LoopId, int? LoopIndex, Action<VariableUpdate>? OnConversationUpdate)
{
    public static Scope TopLevel { get; } = new(null, null, null, null, null);
}
