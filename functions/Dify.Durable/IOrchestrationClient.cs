namespace Dify.Durable;

/// <summary>Host-facing client of a durable runtime (on Azure this maps to DurableTaskClient).</summary>
public interface IOrchestrationClient
{
    /// <summary>Persists the instance as Pending, then runs it in the background.
    /// Throws <see cref="InvalidOperationException"/> if an instance with this id is still Pending or Running.</summary>
    Task StartOrchestrationAsync(string orchestratorName, string instanceId, string? input, CancellationToken ct);

    /// <summary>The stored state, or null when no such instance exists.</summary>
    Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken ct);

    /// <summary>Completes once the instance is Completed, Failed or Terminated.</summary>
    Task<OrchestrationState> WaitForCompletionAsync(string instanceId, CancellationToken ct);

    /// <summary>Durably records an event for the instance; delivered in order, buffered until the orchestrator waits for it.</summary>
    Task RaiseEventAsync(string instanceId, string eventName, string? payloadJson, CancellationToken ct);

    /// <summary>Stops the instance (its running activities see cancellation). A no-op on finished instances.</summary>
    Task TerminateAsync(string instanceId, string reason, CancellationToken ct);
}
