using System.Text.Json;
using Dify.Cloud.Edge;
using Dify.Functions.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Dify.Functions.Triggers;

/// <summary>
/// Device-to-cloud messages from IoT Hub's built-in Event Hub-compatible endpoint, a batch at a time: stored with
/// dedup by event id, and a device's route may start a workflow run (hence the Durable client).
/// </summary>
public sealed class EdgeEventsFunction(EdgeEventsTriggerHandler events, DurableOrchestrationClient orchestrations)
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
        return events.HandleAsync(bodies, systemPropertiesArray, propertiesArray, enqueuedTimeUtcArray, context.CancellationToken);
    }
}
