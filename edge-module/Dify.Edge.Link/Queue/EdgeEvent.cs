namespace Dify.Edge.Link.Queue;

/// <summary>A result produced on the device, on its way to the cloud.</summary>
/// <param name="Source">Who produced it (a template, a sensor); events keep their order per source.</param>
/// <param name="EventId">Unique id; the cloud drops duplicates by it, so a re-sent event is harmless.</param>
/// <param name="CreatedAt">When the device produced it.</param>
/// <param name="Payload">Opaque body (usually UTF-8 JSON).</param>
/// <param name="Properties">Application properties; they travel in the MQTT topic's property bag.</param>
public sealed record EdgeEvent(
    string Source,
    Guid EventId,
    DateTimeOffset CreatedAt,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyDictionary<string, string> Properties)
{
    private static readonly IReadOnlyDictionary<string, string> NoProperties = new Dictionary<string, string>();

    /// <summary>A new event with a fresh time-ordered id (GUID v7) stamped now.</summary>
    public static EdgeEvent Create(
        string source,
        ReadOnlyMemory<byte> payload,
        IReadOnlyDictionary<string, string>? properties = null,
        TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        return new EdgeEvent(source, Guid.CreateVersion7(now), now, payload, properties ?? NoProperties);
    }
}

/// <summary>An event as stored in the queue: <see cref="Sequence"/> is its position (global FIFO).</summary>
public sealed record QueuedEvent(long Sequence, EdgeEvent Event);
