using System.Text.Json.Nodes;

namespace Dify.Storage.Edge;

/// <summary>
/// One event a device module sent up, as the cloud stored it. (<see cref="DeviceId"/>, <see cref="ModuleId"/>,
/// <see cref="EventId"/>) is unique: the hub and the queue deliver at least once, the store keeps the first copy.
/// </summary>
/// <param name="Status"><see cref="EdgeEventStatus.Accepted"/> or <see cref="EdgeEventStatus.Rejected"/> (malformed; kept with the reason).</param>
/// <param name="Source">Who produced it on the device (the template id), when known.</param>
/// <param name="RunStatus">The device run's status (<c>succeeded</c>, <c>failed</c>...), when the event says it.</param>
/// <param name="CreatedAt">When the device produced it, when the event says it.</param>
/// <param name="EnqueuedAt">When the hub (or the local broker stand-in) took the message.</param>
/// <param name="ReceivedAt">When the cloud stored it; listings are newest first by this time.</param>
/// <param name="Properties">The message's application properties.</param>
/// <param name="Event">The event as JSON (accepted events).</param>
/// <param name="RawBody">The message body as received, base64 (rejected events, so nothing is lost).</param>
public sealed record EdgeEventRecord(
    string DeviceId,
    string ModuleId,
    string EventId,
    string Status,
    string? Source,
    string? TemplateVersion,
    string? RunStatus,
    string? MessageId,
    DateTimeOffset? CreatedAt,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset ReceivedAt,
    JsonObject Properties,
    JsonObject? Event,
    string? RawBody,
    string? Error);

public static class EdgeEventStatus
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

/// <summary>A listing request: optional device and module, newest first, <paramref name="Limit"/> per page.</summary>
/// <param name="Continuation">The <see cref="EdgeEventPage.Continuation"/> of the previous page (opaque).</param>
public sealed record EdgeEventQuery(string? DeviceId = null, string? ModuleId = null, int Limit = 20, string? Continuation = null);

/// <summary>One page; <see cref="Continuation"/> is null on the last.</summary>
public sealed record EdgeEventPage(IReadOnlyList<EdgeEventRecord> Items, string? Continuation);
