namespace Dify.Durable;

/// <summary>Lifecycle of an orchestration instance. The numeric values are stored; do not renumber.</summary>
public enum OrchestrationStatus
{
    Pending = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Terminated = 4,
}

/// <summary>What a client can see of an instance. <see cref="Error"/> holds the failure, or the terminate reason.</summary>
public sealed record OrchestrationState(
    string InstanceId,
    string Name,
    OrchestrationStatus Status,
    string? Input,
    string? Output,
    string? Error,
    string? CustomStatus,
    DateTime CreatedAt,
    DateTime LastUpdatedAt)
{
    /// <summary>True once the instance can no longer change.</summary>
    public bool IsFinished => Status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated;
}
