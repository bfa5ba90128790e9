namespace Dify.Durable;

/// <summary>Result of re-running an orchestrator against its recorded history without executing any activity.</summary>
/// <param name="DecisionsCompared">How many recorded decisions the replay re-issued and compared.</param>
/// <param name="Mismatches">Human-readable differences; empty when <paramref name="IsMatch"/>.</param>
public sealed record ReplayCheck(string InstanceId, bool IsMatch, int DecisionsCompared, IReadOnlyList<string> Mismatches);
