namespace Dify.Durable;

/// <summary>
/// What an orchestrator may use to talk to the world. Everything non-deterministic (time, ids,
/// I/O) goes through here so that a replay from history reaches the same decisions.
/// Shaped after Durable Functions' TaskOrchestrationContext so the Azure adapter is a thin wrapper.
/// </summary>
public interface IDurableContext
{
    /// <summary>The orchestration instance id (for workflow runs: the run id).</summary>
    string InstanceId { get; }

    /// <summary>True while the orchestrator re-executes decisions already recorded in history.</summary>
    bool IsReplaying { get; }

    /// <summary>Deterministic "now": the time of the history event being processed.</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>Schedules an activity. Completes with its result, or faults with
    /// <see cref="ActivityFailedException"/> when the activity threw.</summary>
    Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, ActivityOptions? options = null);

    /// <summary>A durable timer; survives restarts.</summary>
    Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default);

    /// <summary>Waits for an event raised from outside (e.g. a human input form).</summary>
    Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>A small JSON-serialisable status visible to clients while the orchestration runs.</summary>
    void SetCustomStatus(object? status);

    /// <summary>A deterministic GUID: the same on every replay of this orchestration.</summary>
    Guid NewGuid();
}

/// <summary>Per-call activity options. Retries are handled by the runtime (Durable: TaskOptions with a retry policy).</summary>
public sealed record ActivityOptions(RetryPolicy? Retry = null);

/// <summary>Fixed-interval retry, as Dify's retry_config (max_retries, retry_interval in ms).</summary>
public sealed record RetryPolicy(int MaxNumberOfAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient = 1.0);

/// <summary>An activity threw; carries the original exception's type name and message.</summary>
public sealed class ActivityFailedException(string activityName, string errorType, string errorMessage)
    : Exception($"Activity '{activityName}' failed: {errorType}: {errorMessage}")
{
    public string ActivityName { get; } = activityName;
    public string ErrorType { get; } = errorType;
    public string ErrorMessage { get; } = errorMessage;
}
