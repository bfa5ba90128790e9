namespace Dify.IoTHub.Events;

/// <summary>
/// One device-to-cloud message as the cloud receives it: from IoT Hub's built-in endpoint through the Event Hubs trigger
/// (system properties <c>iothub-connection-device-id</c>, <c>iothub-connection-module-id</c>, <c>message-id</c>,
/// <c>iothub-enqueuedtime</c>, <c>content-type</c>, <c>content-encoding</c>; application properties as they were set),
/// or from the local broker stand-in (the same fields out of the MQTT topic's property bag).
/// </summary>
/// <param name="ModuleId">Null for a device identity's telemetry.</param>
/// <param name="MessageId">The message id (<c>$.mid</c>); our module sets it to the event id.</param>
/// <param name="Properties">Application properties (our module: <c>event-id</c>, <c>event-source</c>, <c>template-version</c>, <c>run-status</c>).</param>
/// <param name="Body">The message body (our module: one event as UTF-8 JSON; several as a JSON array).</param>
public sealed record EdgeTelemetryMessage(
    string DeviceId,
    string? ModuleId,
    string? MessageId,
    DateTimeOffset EnqueuedAt,
    IReadOnlyDictionary<string, string> Properties,
    ReadOnlyMemory<byte> Body)
{
    /// <summary><c>$.ct</c> / <c>content-type</c>; null when the sender did not set it.</summary>
    public string? ContentType { get; init; }

    /// <summary><c>$.ce</c> / <c>content-encoding</c>; null when the sender did not set it.</summary>
    public string? ContentEncoding { get; init; }
}
