namespace Dify.Edge.Events;

/// <summary>
/// Where template results go (the link's durable offline queue on the device). <see cref="PublishAsync"/> completes only
/// once the event is durable: the runner forgets a finished run only after that.
/// </summary>
public interface IEventSink
{
    Task PublishAsync(TemplateEvent templateEvent, CancellationToken cancellationToken);

    /// <summary>Queue depth, dropped count, connection state (for the <c>status</c> method).</summary>
    EventSinkStatus Status { get; }

    /// <summary>Tries to deliver what is queued now; returns the events still queued when <paramref name="timeout"/> ends.</summary>
    Task<long> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

public sealed record EventSinkStatus(long QueueDepth, long DroppedCount, bool Connected, long Delivered);
