using System.Text.Json;
using Dify.Cloud.Edge;
using Dify.Functions.Durable;
using Dify.IoTHub.Events;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Dify.Functions.Triggers;

/// <summary>
/// Device-to-cloud messages from IoT Hub's built-in Event Hub-compatible endpoint, a batch at a time: stored with
/// dedup by event id, and a device's route may start a workflow run (hence the Durable client).
/// </summary>
public sealed class EdgeEventsFunction(IEdgeEventIngestor ingestor, DurableOrchestrationClient orchestrations)
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
        var messages = new List<EdgeTelemetryMessage>(bodies.Length);
        for (var i = 0; i < bodies.Length; i++)
        {
            var m = IoTHubMessageMetadata.Read(systemPropertiesArray[i], propertiesArray[i], i);
            messages.Add(new EdgeTelemetryMessage(m.DeviceId, m.ModuleId, m.MessageId, new DateTimeOffset(enqueuedTimeUtcArray[i], TimeSpan.Zero), m.Properties, bodies[i])
            {
                ContentType = m.ContentType,
                ContentEncoding = m.ContentEncoding,
            });
        }
        return ingestor.IngestBatchAsync(messages, context.CancellationToken);
    }
}
