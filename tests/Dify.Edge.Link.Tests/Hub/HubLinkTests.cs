using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Mqtt;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Dify.Testing.Mosquitto;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests.Hub;

/// <summary>The hub link on a real mosquitto, with the test playing IoT Hub's side of the topics.</summary>
public sealed class HubLinkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Hub = "myhub.azure-devices.net";
    private const string Device = "press-07";
    private const string Module = "dify-edge";

    private readonly TempDirectory _folder = new("hub-link");
    private readonly List<IAsyncDisposable> _cleanup = [];
    private MosquittoBroker _broker = null!;
    private OfflineQueue _queue = null!;
    private HubPeer _hub = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _queue = await OfflineQueue.OpenAsync(new OfflineQueueOptions { DatabasePath = _folder.Combine("queue.db") });
        _hub = await HubPeer.StartAsync(_broker, Device, Module, new TestOutputLogger<MqttClient>(output), Timeout());
    }

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
        await _hub.DisposeAsync();
        await _queue.DisposeAsync();
        await _broker.DisposeAsync();
        _folder.Dispose();
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private async Task<HubLink> StartLinkAsync(MosquittoBroker? broker = null, TimeProvider? time = null)
    {
        broker ??= _broker;
        var options = HubLinkOptions.FromConnectionString($"HostName={Hub};DeviceId={Device};ModuleId={Module};SharedAccessKey={SasTokenTests.Key}");
        options.GatewayHostName = broker.Host;
        options.Port = broker.Port;
        options.UseTls = false;
        var link = new HubLink(options, _queue, new TestLoggerFactory(output), time);
        _cleanup.Add(link);
        await link.StartAsync();
        await link.WaitUntilConnectedAsync(Timeout());
        return link;
    }

    [Fact]
    public async Task Connects_with_the_iot_hub_user_name_and_a_sas_token_the_broker_checks()
    {
        // The broker only admits the exact user name and token; the token is computed here independently.
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(SasTokenTests.Expiry) - TimeSpan.FromHours(1));
        var expected = IndependentToken($"{Hub}/devices/{Device}/modules/{Module}", SasTokenTests.Expiry);
        Assert.Equal(SasTokenTests.ExpectedToken, expected);
        var options = new MosquittoBrokerOptions { AllowAnonymous = false };
        options.Users[$"{Hub}/{Device}/{Module}/?api-version=2021-04-12"] = expected;
        await using var strict = await MosquittoBroker.StartAsync(options);

        var link = await StartLinkAsync(strict, clock);

        Assert.True(link.IsConnected);
        Assert.Equal(1, link.ConnectCount);
    }

    [Fact]
    public async Task Drains_the_queue_as_telemetry_with_event_ids_and_properties()
    {
        var events = Enumerable.Range(0, 300).Select(i => EdgeEvent.Create(
            $"camera-{i % 3}",
            Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"),
            new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["note"] = "a/b & c" })).ToList();
        foreach (var e in events)
        {
            await _queue.EnqueueAsync(e);
        }

        var link = await StartLinkAsync();
        await WaitUntilAsync(() => _queue.Count == 0 && _hub.Telemetry.Count >= events.Count);

        var received = _hub.Telemetry.ToList();
        Assert.Equal(events.Count, link.DrainedCount);
        Assert.Equal(events.Select(e => e.EventId.ToString()).ToHashSet(), received.Select(r => r.EventId).ToHashSet());
        var byId = events.ToDictionary(e => e.EventId.ToString());
        foreach (var r in received)
        {
            var e = byId[r.EventId];
            Assert.StartsWith($"devices/{Device}/modules/{Module}/messages/events/", r.Topic, StringComparison.Ordinal);
            Assert.Equal(r.EventId, r.Properties["$.mid"]);
            Assert.Equal(e.Source, r.Properties["event-source"]);
            Assert.Equal("application/json", r.Properties["$.ct"]);
            Assert.Equal("a/b & c", r.Properties["note"]);
            Assert.Equal(Encoding.UTF8.GetString(e.Payload.Span), r.Body);
        }
        // Per source, the first copies arrive in enqueue order.
        foreach (var source in events.GroupBy(e => e.Source))
        {
            var arrival = received.Where(r => r.Properties["event-source"] == source.Key).Select(r => r.EventId).Distinct();
            Assert.Equal(source.Select(e => e.EventId.ToString()), arrival);
        }
    }

    [Fact]
    public async Task Twin_get_and_reported_patch_round_trip_through_the_hub_topics()
    {
        var link = await StartLinkAsync();
        var answering = Task.Run(async () =>
        {
            // GET
            var get = await _hub.TwinRequests.Reader.ReadAsync(Timeout());
            Assert.StartsWith("$iothub/twin/GET/?$rid=", get.Topic, StringComparison.Ordinal);
            await _hub.PublishAsync($"$iothub/twin/res/200/?$rid={Rid(get.Topic)}",
                "{\"desired\":{\"template\":\"defects-v2\",\"$version\":3},\"reported\":{\"$version\":1}}", Timeout());
            // PATCH reported
            var patch = await _hub.TwinRequests.Reader.ReadAsync(Timeout());
            Assert.StartsWith("$iothub/twin/PATCH/properties/reported/?$rid=", patch.Topic, StringComparison.Ordinal);
            Assert.Equal("{\"running\":\"defects-v2\"}", Encoding.UTF8.GetString(patch.Payload.Span));
            await _hub.PublishAsync($"$iothub/twin/res/204/?$rid={Rid(patch.Topic)}&$version=2", "", Timeout());
            // PATCH refused
            var refused = await _hub.TwinRequests.Reader.ReadAsync(Timeout());
            await _hub.PublishAsync($"$iothub/twin/res/400/?$rid={Rid(refused.Topic)}", "{\"message\":\"bad patch\"}", Timeout());
        });

        var twin = await link.GetTwinAsync(Timeout());
        Assert.Equal("defects-v2", twin.Desired.GetProperty("template").GetString());
        Assert.Equal(2, await link.UpdateReportedPropertiesAsync("{\"running\":\"defects-v2\"}", Timeout()));
        var error = await Assert.ThrowsAsync<HubRequestException>(() => link.UpdateReportedPropertiesAsync("{\"x\":1}", Timeout()));
        Assert.Equal(400, error.Status);
        await answering;
    }

    [Fact]
    public async Task Desired_patches_reach_the_handler_in_order_with_their_version()
    {
        var link = await StartLinkAsync();
        var patches = System.Threading.Channels.Channel.CreateUnbounded<DesiredPropertiesPatch>();
        link.SetDesiredPropertiesHandler((patch, _) => patches.Writer.WriteAsync(patch).AsTask());

        await _hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=7", "{\"template\":\"a\",\"$version\":7}", Timeout());
        await _hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=8", "{\"template\":\"b\",\"$version\":8}", Timeout());

        var first = await patches.Reader.ReadAsync(Timeout());
        var second = await patches.Reader.ReadAsync(Timeout());
        Assert.Equal((7L, "a"), (first.Version!.Value, first.Patch.GetProperty("template").GetString()));
        Assert.Equal((8L, "b"), (second.Version!.Value, second.Patch.GetProperty("template").GetString()));
    }

    [Fact]
    public async Task Direct_methods_are_answered_on_the_response_topic()
    {
        var link = await StartLinkAsync();
        link.SetMethodHandler("restartTemplate", async (request, ct) =>
        {
            using var body = JsonDocument.Parse(request.Payload);
            // A handler may use the twin while the call is open: responses keep flowing.
            var answeringGet = Task.Run(async () =>
            {
                var get = await _hub.TwinRequests.Reader.ReadAsync(ct);
                await _hub.PublishAsync($"$iothub/twin/res/200/?$rid={Rid(get.Topic)}", "{\"desired\":{},\"reported\":{}}", ct);
            }, ct);
            await link.GetTwinAsync(ct);
            await answeringGet;
            return new DirectMethodResponse(200, Encoding.UTF8.GetBytes($"{{\"restarted\":\"{body.RootElement.GetProperty("name").GetString()}\"}}"));
        });
        link.SetMethodHandler("explode", (_, _) => throw new InvalidOperationException("boom"));

        await _hub.PublishAsync("$iothub/methods/POST/restartTemplate/?$rid=r1", "{\"name\":\"defects\"}", Timeout());
        var ok = await _hub.MethodResponses.Reader.ReadAsync(Timeout());
        Assert.Equal("$iothub/methods/res/200/?$rid=r1", ok.Topic);
        Assert.Equal("{\"restarted\":\"defects\"}", Encoding.UTF8.GetString(ok.Payload.Span));

        await _hub.PublishAsync("$iothub/methods/POST/unknown/?$rid=r2", "{}", Timeout());
        Assert.Equal("$iothub/methods/res/501/?$rid=r2", (await _hub.MethodResponses.Reader.ReadAsync(Timeout())).Topic);

        await _hub.PublishAsync("$iothub/methods/POST/explode/?$rid=r3", "null", Timeout());
        var failed = await _hub.MethodResponses.Reader.ReadAsync(Timeout());
        Assert.Equal("$iothub/methods/res/500/?$rid=r3", failed.Topic);
        Assert.Contains("boom", Encoding.UTF8.GetString(failed.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_messages_reach_the_handler_and_are_acknowledged_only_after_it_returns()
    {
        var link = await StartLinkAsync();
        var inputs = System.Threading.Channels.Channel.CreateUnbounded<ModuleInputMessage>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        link.SetInputMessageHandler(async (message, ct) =>
        {
            await inputs.Writer.WriteAsync(message, ct);
            if (message.Properties.GetValueOrDefault("hold") == "yes") await release.Task.WaitAsync(ct);
        });
        // The subscription is made in the background once the handler is set: publish until the first arrives.
        var topic = $"devices/{Device}/modules/{Module}/inputs/frames/$.ct=application%2Fjson&line=3";
        ModuleInputMessage? first = null;
        for (var i = 0; i < 100 && first is null; i++)
        {
            await _hub.PublishAsync(topic, "{\"n\":1}", Timeout());
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                first = await inputs.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        Assert.NotNull(first);
        Assert.Equal("frames", first.InputName);
        Assert.Equal("application/json", first.Properties["$.ct"]);
        Assert.Equal("3", first.Properties["line"]);
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(first.Payload.Span));
        while (inputs.Reader.TryRead(out _))
        {
        }

        // A message whose handler never finished is not acknowledged: the broker re-delivers it to the next session.
        await _hub.PublishAsync($"devices/{Device}/modules/{Module}/inputs/frames/hold=yes", "held", Timeout());
        var held = await inputs.Reader.ReadAsync(Timeout());
        Assert.Equal("held", Encoding.UTF8.GetString(held.Payload.Span));
        _cleanup.Remove(link);
        await link.DisposeAsync();

        var again = await StartLinkAsync();
        var redelivered = new TaskCompletionSource<ModuleInputMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        again.SetInputMessageHandler((message, _) =>
        {
            if (Encoding.UTF8.GetString(message.Payload.Span) == "held") redelivered.TrySetResult(message);
            return Task.CompletedTask;
        });
        Assert.Equal("yes", (await redelivered.Task.WaitAsync(Timeout())).Properties["hold"]);
    }

    private static string Rid(string topic) => PropertyBag.Decode(topic[(topic.IndexOf('?', StringComparison.Ordinal) + 1)..])["$rid"];

    private static string IndependentToken(string resource, long expiry)
    {
        var encoded = Uri.EscapeDataString(resource); // same bytes as WebUtility.UrlEncode for this resource
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(SasTokenTests.Key), Encoding.UTF8.GetBytes($"{encoded}\n{expiry}")));
        return $"SharedAccessSignature sr={encoded}&sig={Uri.EscapeDataString(signature)}&se={expiry}";
    }

    private static async Task WaitUntilAsync(Func<bool> condition, int seconds = 30)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), "timed out waiting");
            await Task.Delay(20);
        }
    }
}

/// <summary>A clock stopped at one instant (timers still run on real time).</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Creates <see cref="TestOutputLogger{T}"/>s for the test's output.</summary>
internal sealed class TestLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger<HubLink>(output, category: categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
