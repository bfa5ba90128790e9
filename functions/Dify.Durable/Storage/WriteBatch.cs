namespace Dify.Durable.Storage;

/// <summary>One unit of durable change: all operations of one orchestrator turn commit together.
/// Several batches may share a transaction (group commit); <see cref="Completion"/> says when it is durable.</summary>
internal sealed class WriteBatch
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<WriteOp> Ops { get; } = new(4);

    public Task Completion => _done.Task;

    public WriteBatch Add(WriteOp op)
    {
        Ops.Add(op);
        return this;
    }

    public void Succeed() => _done.TrySetResult();

    public void Fail(Exception error) => _done.TrySetException(error);
}

internal abstract record WriteOp;

/// <summary>Creates (or replaces a finished) instance row, clearing any old history and inbox of that id.</summary>
internal sealed record CreateInstanceOp(string InstanceId, string Name, string? Input, DateTime CreatedAt) : WriteOp;

internal sealed record AppendEventsOp(string InstanceId, IReadOnlyList<HistoryEvent> Events) : WriteOp;

internal sealed record SetStatusOp(string InstanceId, OrchestrationStatus Status, string? Output, string? Error, DateTime UpdatedAt) : WriteOp;

internal sealed record SetCustomStatusOp(string InstanceId, string? CustomStatusJson, DateTime UpdatedAt) : WriteOp;

/// <summary>Stores a raised event; the writer fills <see cref="RowId"/> once inserted.</summary>
internal sealed record InsertInboxOp(string InstanceId, string EventName, string? Payload, DateTime CreatedAt) : WriteOp
{
    public long RowId { get; set; }
}

internal sealed record DeleteInboxOp(long RowId) : WriteOp;

/// <summary>Terminates an instance that is not loaded in memory: appends the final event after its last one.</summary>
internal sealed record TerminateUnloadedOp(string InstanceId, string Reason, DateTime At) : WriteOp;
