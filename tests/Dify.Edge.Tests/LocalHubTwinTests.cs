using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Mqtt;
using Dify.Host.LocalHub;
using Dify.IoTHub.Events;
using Dify.IoTHub.Templates;
using Dify.Storage.Edge;
using Dify.Storage.Sqlite;
using Dify.Testing;
using Dify.Testing.Mosquitto;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Tests;

/// <summary>
/// The local IoT Hub stand-in on a real mosquitto, with a plain MQTT client in the module's place: desired patches,
/// twin GET and reported PATCH answers, the twin kept across a host restart, device (not module) telemetry ingested.
/// </summary>
public sealed class LocalHubTwinTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Published_templates_survive_a_restart_and_the_twin_answers_gets_and_reported_patches()
    {
        using var data = new TempDirectory("dify-localhub-twin");
        await using var broker = await MosquittoBroker.StartAsync();
        var store = new SqliteEdgeEventStore(await SqliteEdgeDatabase.OpenAsync(data.Path, CancellationToken.None));
        var options = Options(broker);

        await using (var first = await StartAsync(options, data, store))
        {
            await using var module = await ModuleSideAsync(broker);
            var patched = await first.PublishAsync("press-07", "dify", "echo", "1", Templates.Echo("v1"), Timeout());
            Assert.Equal("1", (string)patched.Desired["echo"]!["version"]!);
            var patch = await module.WaitAsync(t => t.StartsWith("$iothub/twin/PATCH/properties/desired/", StringComparison.Ordinal));
            Assert.EndsWith("?$version=2", patch.Topic, StringComparison.Ordinal);
            Assert.Equal(Templates.Echo("v1"), (string)patch.Body!["templates"]!["echo"]!["content"]!);
            Assert.Equal(2, (long)patch.Body["$version"]!);
        }

        await using var hub = await StartAsync(options, data, store);
        await using var restarted = await ModuleSideAsync(broker);
        await restarted.Client.PublishAsync(new MqttMessage("$iothub/twin/GET/?$rid=7", ReadOnlyMemory<byte>.Empty), Timeout());
        var twin = await restarted.WaitAsync(t => t.StartsWith("$iothub/twin/res/200/?$rid=7", StringComparison.Ordinal));
        Assert.Equal("1", (string)twin.Body!["desired"]!["templates"]!["echo"]!["version"]!);
        Assert.Equal(2, (long)twin.Body["desired"]!["$version"]!);

        await restarted.Client.PublishAsync(new MqttMessage("$iothub/twin/PATCH/properties/reported/?$rid=8", Encoding.UTF8.GetBytes("""{"templates":{"echo":{"version":"1","status":"active"}}}""")), Timeout());
        var ack = await restarted.WaitAsync(t => t.StartsWith("$iothub/twin/res/204/?$rid=8", StringComparison.Ordinal));
        Assert.EndsWith("&$version=2", ack.Topic, StringComparison.Ordinal);
        Assert.Equal("active", (string)(await hub.GetAsync("press-07", "dify", Timeout())).Reported["echo"]!["status"]!);

        await restarted.Client.PublishAsync(new MqttMessage("$iothub/twin/PATCH/properties/reported/?$rid=9", Encoding.UTF8.GetBytes("[1]")), Timeout());
        await restarted.WaitAsync(t => t.StartsWith("$iothub/twin/res/400/?$rid=9", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<ModuleTemplateChannelException>(() => hub.PublishAsync("press-08", "dify", "echo", "1", "x", Timeout()));
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Device_telemetry_is_ingested_with_its_system_properties_split_from_the_application_ones()
    {
        using var data = new TempDirectory("dify-localhub-telemetry");
        await using var broker = await MosquittoBroker.StartAsync();
        var store = new SqliteEdgeEventStore(await SqliteEdgeDatabase.OpenAsync(data.Path, CancellationToken.None));
        await using var hub = await StartAsync(Options(broker), data, store);
        await using var sensor = await ModuleSideAsync(broker);

        var bag = PropertyBag.Encode([new("$.mid", "m-1"), new("$.ct", "application/json"), new("line", "3")]);
        await sensor.Client.PublishAsync(new MqttMessage($"devices/sensor-1/messages/events/{bag}", Encoding.UTF8.GetBytes("""{"temperature": 71.5}""")), Timeout());
        var deadline = DateTime.UtcNow + Wait;
        EdgeEventRecord? stored;
        while ((stored = await store.GetAsync("sensor-1", "", "m-1", CancellationToken.None)) is null && DateTime.UtcNow < deadline) await Task.Delay(25);
        Assert.NotNull(stored);
        Assert.Equal((EdgeEventStatus.Accepted, "m-1", 71.5), (stored.Status, stored.MessageId, (double)stored.Event!["temperature"]!));
        Assert.Equal(["line"], stored.Properties.Select(p => p.Key));
    }

    [Fact]
    public void A_broker_off_this_machine_is_refused_unless_allowed()
    {
        var options = new LocalHubOptions { Mqtt = { Host = "10.20.30.40" } };
        Assert.Contains("LocalHub:Mqtt:Host", Assert.Throws<InvalidOperationException>(options.Validate).Message, StringComparison.Ordinal);
        options.Mqtt.AllowRemote = true;
        options.Validate();
        Assert.Contains("LocalHub:Mqtt:Port", Assert.Throws<InvalidOperationException>(new LocalHubOptions { Mqtt = { Host = "127.0.0.1", Port = 0 } }.Validate).Message, StringComparison.Ordinal);
    }

    private static LocalHubOptions Options(MosquittoBroker broker) => new()
    {
        DeviceId = "press-07",
        ModuleId = "dify",
        Mqtt = { Host = broker.Host, Port = broker.Port, ClientId = "hub-" + Guid.NewGuid().ToString("N")[..8] },
    };

    private static async Task<LocalIoTHub> StartAsync(LocalHubOptions options, TempDirectory data, IEdgeEventStore store)
    {
        var ingestor = new EdgeEventIngestor(store, null, new EdgeEventOptions(), TimeProvider.System, NullLogger<EdgeEventIngestor>.Instance);
        var hub = new LocalIoTHub(options, data.Path, () => ingestor, TimeProvider.System, NullLoggerFactory.Instance);
        await hub.StartAsync(Timeout());
        await hub.WaitUntilConnectedAsync(Timeout());
        await Task.Delay(300); // let the broker take the hub's subscriptions
        return hub;
    }

    private static async Task<ModuleSide> ModuleSideAsync(MosquittoBroker broker)
    {
        var client = new MqttClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "module-" + Guid.NewGuid().ToString("N")[..8], CleanSession = true });
        var side = new ModuleSide(client);
        client.AddMessageHandler(side.OnMessageAsync);
        await client.ConnectAsync(Timeout());
        await client.SubscribeAsync([new MqttSubscription("$iothub/twin/res/#"), new MqttSubscription("$iothub/twin/PATCH/properties/desired/#")], Timeout());
        return side;
    }

    private sealed class ModuleSide(MqttClient client) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string Topic, JsonObject? Body)> _received = new();

        public MqttClient Client => client;

        public Task OnMessageAsync(MqttMessage message, CancellationToken cancellationToken)
        {
            _received.Enqueue((message.Topic, message.Payload.IsEmpty ? null : JsonNode.Parse(message.Payload.Span) as JsonObject));
            return Task.CompletedTask;
        }

        public async Task<(string Topic, JsonObject? Body)> WaitAsync(Func<string, bool> topic)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (true)
            {
                foreach (var item in _received) if (topic(item.Topic)) return item;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("no message; received: " + string.Join(", ", _received.Select(r => r.Topic)));
                await Task.Delay(25);
            }
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
