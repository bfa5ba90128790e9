using System.Text.Json;
using Dify.Cloud.Edge;
using Dify.Functions.Durable;
using Dify.IoTHub.Events;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Dify.Functions.Triggers;

/// <summary>
/// Device-to-cloud messages from IoT Hub's built-in Event Hub-compatible endpoint, a batch at a time: stored with
/// dedup by event id, and a device's route may start a workflow run (hence the Durable client).
/// </summary>
public sealed class EdgeEventsFunction(IEdgeEventIngestor ingestor, DurableOrchestrationClient orchestrations, ILogger<EdgeEventsFunction> logger)
{
    [Function("IngestEdgeEvents")]
    public Task Run(
        [EventHubTrigger("%IoTHub:EventHubName%", Connection = "IoTHub:EventHubConnection", ConsumerGroup = "%IoTHub:ConsumerGroup%", IsBatched = true)] byte[][] bodies,
        Dictionary<string, JsonElement>[] systemPropertiesArray,
        Dictionary<string, JsonElement>[] propertiesArray,
        DateTime[] enqueuedTimeUtcArray,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        orchestrations.Use(client);
        var messages = IoTHubMessageMetadata.ReadBatch(systemPropertiesArray, propertiesArray, logger)
            .Select(x => new EdgeTelemetryMessage(x.Metadata.DeviceId, x.Metadata.ModuleId, x.Metadata.MessageId,
                new DateTimeOffset(enqueuedTimeUtcArray[x.Position], TimeSpan.Zero), x.Metadata.Properties, bodies[x.Position])
            {
                ContentType = x.Metadata.ContentType,
                ContentEncoding = x.Metadata.ContentEncoding,
            })
            .ToList();
        return ingestor.IngestBatchAsync(messages, context.CancellationToken);
    }
}
