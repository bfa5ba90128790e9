namespace Dify.Durable.Embedded;

/// <summary>Work the orchestrator asked for that must actually run (new, or recorded but never completed).</summary>
internal abstract record ScheduledWork(int TaskId);

internal sealed record ScheduledActivity(int TaskId, string Name, object? Input, int Attempt) : ScheduledWork(TaskId);

internal sealed record ScheduledTimer(int TaskId, DateTime FireAt, CancellationToken Cancellation) : ScheduledWork(TaskId);
