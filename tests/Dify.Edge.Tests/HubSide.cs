using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Mqtt;
using Dify.Testing.Mosquitto;

namespace Dify.Edge.Tests;

/// <summary>A telemetry message as IoT Hub sees it: the property bag of its topic and its JSON body.</summary>
public sealed record HubTelemetry(string Topic, IReadOnlyDictionary<string, string> Properties, JsonObject Body)
{
    public string EventId => Properties["event-id"];
}

/// <summary>
/// Plays IoT Hub (and edgeHub's routing) on the same mosquitto as the module: holds the module twin (answers twin GETs,
/// merges reported patches, pushes desired patches), records telemetry, calls direct methods and sends messages to the
/// module's inputs. A real MQTT client, persistent session: it rides through a broker restart with the module.
/// </summary>
public sealed class HubSide : IAsyncDisposable
{
    private readonly MqttClient client;
    private readonly string deviceId;
    private readonly string moduleId;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int Status, JsonNode? Body)>> calls = new();
    private readonly object twinGate = new();
    private JsonObject desired;
    private JsonObject reported = new();
    private long desiredVersion;
    private long reportedVersion;
    private int callIds;

    private HubSide(MqttClient client, string deviceId, string moduleId, JsonObject desired)
    {
        this.client = client;
        this.deviceId = deviceId;
        this.moduleId = moduleId;
        this.desired = desired;
        desiredVersion = 1;
    }

    /// <summary>Every telemetry message, duplicates included, in arrival order.</summary>
    public ConcurrentQueue<HubTelemetry> Telemetry { get; } = new();

    public JsonObject Reported
    {
        get
        {
            lock (twinGate) return (JsonObject)reported.DeepClone();
        }
    }

    public static async Task<HubSide> StartAsync(MosquittoBroker broker, string deviceId, string moduleId, JsonObject initialDesired, CancellationToken cancellationToken)
    {
        var client = new MqttClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "iothub-side", CleanSession = false });
        var hub = new HubSide(client, deviceId, moduleId, initialDesired);
        client.AddMessageHandler(hub.OnMessageAsync);
        await client.ConnectAsync(cancellationToken);
        await client.SubscribeAsync(
        [
            new MqttSubscription($"devices/{deviceId}/modules/{moduleId}/messages/events/#"),
            new MqttSubscription("$iothub/twin/GET/#"),
            new MqttSubscription("$iothub/twin/PATCH/properties/reported/#"),
            new MqttSubscription("$iothub/methods/res/#"),
        ], cancellationToken);
        return hub;
    }

    /// <summary>Merges <paramref name="patch"/> into the desired properties and pushes it to the module with the next version.</summary>
    public Task PatchDesiredAsync(JsonObject patch, CancellationToken cancellationToken)
    {
        JsonObject body;
        lock (twinGate)
        {
            desired = Merge(desired, patch);
            body = (JsonObject)patch.DeepClone();
            body["$version"] = ++desiredVersion;
        }

        return client.PublishAsync(new MqttMessage($"$iothub/twin/PATCH/properties/desired/?$version={body["$version"]}", Encoding.UTF8.GetBytes(body.ToJsonString())), cancellationToken);
    }

    /// <summary>A message as edgeHub delivers one routed to the module's input <paramref name="input"/>.</summary>
    public Task SendInputAsync(string input, byte[] body, IEnumerable<KeyValuePair<string, string>>? properties, CancellationToken cancellationToken) =>
        client.PublishAsync(new MqttMessage($"devices/{deviceId}/modules/{moduleId}/inputs/{input}/{PropertyBag.Encode(properties ?? [])}", body), cancellationToken);

    /// <summary>Calls a direct method and waits for its answer on <c>$iothub/methods/res/{status}/?$rid=</c>.</summary>
    public async Task<(int Status, JsonNode? Body)> CallMethodAsync(string name, JsonNode? payload, CancellationToken cancellationToken)
    {
        var rid = "m" + Interlocked.Increment(ref callIds).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<(int, JsonNode?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        calls[rid] = answer;
        await client.PublishAsync(new MqttMessage($"$iothub/methods/POST/{name}/?$rid={rid}", Encoding.UTF8.GetBytes(payload?.ToJsonString() ?? "null")), cancellationToken);
        return await answer.Task.WaitAsync(cancellationToken);
    }

    public async Task<JsonObject> WaitForReportedAsync(Func<JsonObject, bool> condition, TimeSpan timeout, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var current = Reported;
            if (condition(current)) return current;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"reported properties never matched: {current.ToJsonString()}\n{context?.Invoke()}");
            await Task.Delay(25);
        }
    }

    public async Task<HubTelemetry> WaitForTelemetryAsync(Func<HubTelemetry, bool> condition, TimeSpan timeout, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Telemetry.FirstOrDefault(condition) is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no matching telemetry ({Telemetry.Count} received)\n{context?.Invoke()}");
            await Task.Delay(25);
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private async Task OnMessageAsync(MqttMessage message, CancellationToken cancellationToken)
    {
        var topic = message.Topic;
        if (topic.StartsWith("devices/", StringComparison.Ordinal))
        {
            const string marker = "/messages/events/";
            var bag = topic[(topic.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
            Telemetry.Enqueue(new HubTelemetry(topic, PropertyBag.Decode(bag), JsonNode.Parse(message.Payload.Span)!.AsObject()));
        }
        else if (topic.StartsWith("$iothub/twin/GET/", StringComparison.Ordinal))
        {
            string body;
            lock (twinGate)
            {
                var d = (JsonObject)desired.DeepClone();
                d["$version"] = desiredVersion;
                var r = (JsonObject)reported.DeepClone();
                r["$version"] = reportedVersion;
                body = new JsonObject { ["desired"] = d, ["reported"] = r }.ToJsonString();
            }

            await client.PublishAsync(new MqttMessage($"$iothub/twin/res/200/?$rid={Rid(topic)}", Encoding.UTF8.GetBytes(body)), cancellationToken);
        }
        else if (topic.StartsWith("$iothub/twin/PATCH/properties/reported/", StringComparison.Ordinal))
        {
            long version;
            lock (twinGate)
            {
                reported = Merge(reported, JsonNode.Parse(message.Payload.Span)!.AsObject());
                version = ++reportedVersion;
            }

            await client.PublishAsync(new MqttMessage($"$iothub/twin/res/204/?$rid={Rid(topic)}&$version={version}", ReadOnlyMemory<byte>.Empty), cancellationToken);
        }
        else if (topic.StartsWith("$iothub/methods/res/", StringComparison.Ordinal))
        {
            var status = int.Parse(topic.Split('/')[3], CultureInfo.InvariantCulture);
            if (calls.TryRemove(Rid(topic), out var call))
                call.TrySetResult((status, message.Payload.IsEmpty ? null : JsonNode.Parse(message.Payload.Span)));
        }
    }

    private static string Rid(string topic) => PropertyBag.Decode(topic[(topic.IndexOf('?', StringComparison.Ordinal) + 1)..])["$rid"];

    private static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        var result = (JsonObject)target.DeepClone();
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$')) continue;
            if (value is null) result.Remove(key);
            else if (value is JsonObject child && result[key] is JsonObject existing) result[key] = Merge(existing, child);
            else result[key] = value.DeepClone();
        }

        return result;
    }
}
