namespace Dify.Durable;

/// <summary>Kinds of history events. The numeric values are stored; do not renumber.</summary>
public enum HistoryEventType
{
    /// <summary>Instance created. Name = orchestrator name.</summary>
    ExecutionStarted = 0,
    /// <summary>Decision: activity scheduled. Name = activity, Detail = hash of the input (null when not hashable).</summary>
    TaskScheduled = 1,
    /// <summary>Activity result. Payload = result JSON.</summary>
    TaskCompleted = 2,
    /// <summary>Activity threw. Name = exception type, Payload = message.</summary>
    TaskFailed = 3,
    /// <summary>Decision: durable timer. Payload = fire time (round-trip format).</summary>
    TimerCreated = 4,
    /// <summary>The timer fired.</summary>
    TimerFired = 5,
    /// <summary>Decision: the orchestrator started waiting for an external event. Name = event name.</summary>
    EventWaitStarted = 6,
    /// <summary>An external event reached the orchestrator. Name = event name, Payload = JSON.</summary>
    EventRaised = 7,
    /// <summary>Final: Payload = output JSON.</summary>
    ExecutionCompleted = 8,
    /// <summary>Final: Name = exception type, Payload = message.</summary>
    ExecutionFailed = 9,
    /// <summary>Final: Payload = terminate reason.</summary>
    ExecutionTerminated = 10,
}

/// <summary>One recorded event of an orchestration's history. <see cref="TaskId"/> is -1 for events without one.</summary>
public sealed record HistoryEvent(
    int Sequence,
    HistoryEventType EventType,
    DateTime Timestamp,
    int TaskId = -1,
    string? Name = null,
    string? Payload = null,
    string? Detail = null)
{
    /// <summary>Decisions are what the orchestrator itself did; replay must reproduce them exactly.</summary>
    public bool IsDecision => EventType is HistoryEventType.TaskScheduled or HistoryEventType.TimerCreated or HistoryEventType.EventWaitStarted;

    /// <summary>Completions are what the world answered; replay feeds them back in recorded order.</summary>
    public bool IsCompletion => EventType is HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed
        or HistoryEventType.TimerFired or HistoryEventType.EventRaised;
}
