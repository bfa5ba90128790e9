using System.Text.Json;
using Dify.IoTHub.Events;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Edge;

/// <summary>
/// What the Event Hubs trigger on IoT Hub's built-in endpoint calls with one batch as it binds it (bodies, per-message
/// system and application properties, enqueued times): device messages become <see cref="EdgeTelemetryMessage"/>s for
/// the <see cref="IEdgeEventIngestor"/> (dedup, storage, routes); anything else is logged and left out.
/// </summary>
public sealed class EdgeEventsTriggerHandler(IEdgeEventIngestor ingestor, ILogger<EdgeEventsTriggerHandler> logger)
{
    public Task<EdgeIngestResult> HandleAsync(
        IReadOnlyList<byte[]> bodies,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>?> systemProperties,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>?> properties,
        IReadOnlyList<DateTime> enqueuedTimesUtc,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentNullException.ThrowIfNull(enqueuedTimesUtc);
        if (systemProperties.Count != bodies.Count)
            throw new ArgumentException($"The batch has {bodies.Count} bodies but {systemProperties.Count} system property sets.", nameof(systemProperties));
        var messages = IoTHubMessageMetadata.ReadBatch(systemProperties, properties, logger)
            .Select(x => new EdgeTelemetryMessage(x.Metadata.DeviceId, x.Metadata.ModuleId, x.Metadata.MessageId,
                EnqueuedAt(enqueuedTimesUtc, x.Position), x.Metadata.Properties, bodies[x.Position])
            {
                ContentType = x.Metadata.ContentType,
                ContentEncoding = x.Metadata.ContentEncoding,
            })
            .ToList();
        return ingestor.IngestBatchAsync(messages, cancellationToken);
    }

    // The trigger binds enqueued times as UTC DateTime values; an absent one (shorter array) falls back to "now" at ingest.
    private static DateTimeOffset EnqueuedAt(IReadOnlyList<DateTime> times, int position) =>
        position < times.Count ? new DateTimeOffset(DateTime.SpecifyKind(times[position], DateTimeKind.Utc), TimeSpan.Zero) : DateTimeOffset.UtcNow;
}
