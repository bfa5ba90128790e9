using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Mqtt;
using Dify.Testing.Mosquitto;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Link.Tests.Hub;

/// <summary>A telemetry message as IoT Hub would see it: properties from the topic's property bag.</summary>
internal sealed record ReceivedTelemetry(string Topic, IReadOnlyDictionary<string, string> Properties, string Body)
{
    public string EventId => Properties["event-id"];
}

/// <summary>
/// Plays IoT Hub's side on the same broker: a real MQTT client that receives the module's telemetry, twin
/// requests and method responses, and publishes twin responses, desired patches and method calls.
/// </summary>
internal sealed class HubPeer : IAsyncDisposable
{
    private readonly MqttClient _client;

    private HubPeer(MqttClient client) => _client = client;

    /// <summary>Every telemetry message, duplicates included, in arrival order.</summary>
    public ConcurrentQueue<ReceivedTelemetry> Telemetry { get; } = new();

    /// <summary>Requests on $iothub/twin/GET and $iothub/twin/PATCH/properties/reported.</summary>
    public Channel<MqttMessage> TwinRequests { get; } = Channel.CreateUnbounded<MqttMessage>();

    /// <summary>Answers on $iothub/methods/res/#.</summary>
    public Channel<MqttMessage> MethodResponses { get; } = Channel.CreateUnbounded<MqttMessage>();

    public static async Task<HubPeer> StartAsync(MosquittoBroker broker, string deviceId, string moduleId, ILogger<MqttClient> logger, CancellationToken cancellationToken)
    {
        var client = new MqttClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "iothub-peer", CleanSession = false }, logger);
        var peer = new HubPeer(client);
        client.AddMessageHandler(peer.OnMessageAsync);
        await client.ConnectAsync(cancellationToken);
        await client.SubscribeAsync(
        [
            new MqttSubscription($"devices/{deviceId}/modules/{moduleId}/messages/events/#"),
            new MqttSubscription("$iothub/twin/GET/#"),
            new MqttSubscription("$iothub/twin/PATCH/properties/reported/#"),
            new MqttSubscription("$iothub/methods/res/#"),
        ], cancellationToken);
        return peer;
    }

    public Task PublishAsync(string topic, string body, CancellationToken cancellationToken) =>
        _client.PublishAsync(new MqttMessage(topic, Encoding.UTF8.GetBytes(body)), cancellationToken);

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task OnMessageAsync(MqttMessage message, CancellationToken cancellationToken)
    {
        if (message.Topic.StartsWith("devices/", StringComparison.Ordinal))
        {
            var bag = message.Topic[(message.Topic.IndexOf("/messages/events/", StringComparison.Ordinal) + "/messages/events/".Length)..];
            Telemetry.Enqueue(new ReceivedTelemetry(message.Topic, PropertyBag.Decode(bag), Encoding.UTF8.GetString(message.Payload.Span)));
        }
        else if (message.Topic.StartsWith("$iothub/twin/", StringComparison.Ordinal))
        {
            await TwinRequests.Writer.WriteAsync(message, cancellationToken);
        }
        else if (message.Topic.StartsWith("$iothub/methods/res/", StringComparison.Ordinal))
        {
            await MethodResponses.Writer.WriteAsync(message, cancellationToken);
        }
    }
}
