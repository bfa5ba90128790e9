namespace Dify.Edge.Link.Queue;

/// <summary>One write waiting for the next group commit; completed once its transaction is durable.</summary>
internal abstract class WriteRequest
{
    public abstract void Fail(Exception error);
}

internal sealed class EnqueueRequest(EdgeEvent @event, byte[]? properties, long size) : WriteRequest
{
    public EdgeEvent Event { get; } = @event;
    public byte[]? EncodedProperties { get; } = properties;
    public long Size { get; } = size;
    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public override void Fail(Exception error) => Completion.TrySetException(error);
}

internal sealed class AckRequest(IReadOnlyList<long> sequences) : WriteRequest
{
    public IReadOnlyList<long> Sequences { get; } = sequences;
    public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public override void Fail(Exception error) => Completion.TrySetException(error);
}
