namespace Dify.Storage.Edge;

/// <summary>Durable store of device events, deduplicated by (device, module, event id).</summary>
public interface IEdgeEventStore
{
    /// <summary>
    /// Stores <paramref name="record"/> unless an event with its (device, module, event id) is already stored;
    /// true when this call stored it. Atomic: of concurrent inserts of one key exactly one returns true.
    /// </summary>
    Task<bool> TryInsertAsync(EdgeEventRecord record, CancellationToken cancellationToken);

    Task<EdgeEventRecord?> GetAsync(string deviceId, string moduleId, string eventId, CancellationToken cancellationToken);

    /// <summary>Events newest first (by received time), optionally of one device and/or module, a page at a time.</summary>
    Task<EdgeEventPage> ListAsync(EdgeEventQuery query, CancellationToken cancellationToken);
}
