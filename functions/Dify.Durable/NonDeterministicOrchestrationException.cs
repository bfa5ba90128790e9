namespace Dify.Durable;

/// <summary>During replay the orchestrator made a decision that differs from its recorded history.</summary>
public sealed class NonDeterministicOrchestrationException(string message) : Exception(message);
