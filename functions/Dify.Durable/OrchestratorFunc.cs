namespace Dify.Durable;

/// <summary>Deterministic orchestrator code: JSON in, JSON out. It must only talk to the world through the context.</summary>
public delegate Task<string?> OrchestratorFunc(IDurableContext context, string? input);

/// <summary>An activity: may do I/O; runs at least once. The input arrives as the in-memory object the orchestrator passed.</summary>
public delegate Task<object?> ActivityFunc(ActivityContext context, object? input, CancellationToken cancellationToken);

/// <summary>Who is calling an activity: <paramref name="Attempt"/> counts retries from 1.</summary>
public sealed record ActivityContext(string InstanceId, string ActivityName, int TaskId, int Attempt);
