using System.Text;
using System.Text.Json.Nodes;
using Dify.Edge.Events;
using Dify.Edge.Hub;
using Dify.Edge.Inputs;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Tests;

/// <summary>The hub wiring's parts that need no broker: which hub, events spooled offline, input messages.</summary>
public sealed class HubWiringTests
{
    private const string Key = "ZGlmeS1lZGdlLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmchIQ==";

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void The_hub_comes_from_the_connection_string_first_then_the_iot_edge_environment_else_none()
    {
        Assert.Null(HubSettings.Resolve(Config(("Edge:DataDirectory", "/tmp/x"))));
        Assert.Null(HubSettings.Resolve(Config(("IOTEDGE_MODULEID", "dify")))); // no workload URI: not IoT Edge

        var dev = HubSettings.Resolve(Config(
            ("Edge:HubConnectionString", $"HostName=h.azure-devices.net;DeviceId=d;ModuleId=m;SharedAccessKey={Key};GatewayHostName=127.0.0.1"),
            ("Edge:HubUseTls", "false"), ("IOTEDGE_MODULEID", "dify"), ("IOTEDGE_WORKLOADURI", "http://127.0.0.1:1/")))!;
        Assert.False(dev.FromEdgeEnvironment);
        var options = dev.CreateOptions(out var workload);
        Assert.Null(workload);
        Assert.Equal(("127.0.0.1", 1883, false, "d/m", "events"), (options.GatewayHostName, options.Port, options.UseTls, options.ClientId, options.OutputName));

        var edge = HubSettings.Resolve(Config(("IOTEDGE_MODULEID", "dify"), ("IOTEDGE_WORKLOADURI", "http://127.0.0.1:1/"), ("IOTEDGE_IOTHUBHOSTNAME", "h.azure-devices.net"),
            ("IOTEDGE_GATEWAYHOSTNAME", "edgehub"), ("IOTEDGE_DEVICEID", "press-07"), ("IOTEDGE_MODULEGENERATIONID", "g1")))!;
        Assert.True(edge.FromEdgeEnvironment);
        options = edge.CreateOptions(out workload);
        using (workload)
        {
            Assert.NotNull(workload);
            Assert.Equal(("edgehub", 8883, true, "press-07/dify"), (options.GatewayHostName, options.Port, options.UseTls, options.ClientId));
        }

        var bad = HubSettings.Resolve(Config(("Edge:HubConnectionString", "HostName=h;DeviceId=d;SharedAccessKey=secret-not-base64")))!;
        var error = Assert.Throws<InvalidOperationException>(() => bad.CreateOptions(out _));
        Assert.DoesNotContain("secret-not-base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_spooled_offline_move_into_the_queue_once_with_their_ids()
    {
        using var dir = new TempDirectory("dify-edge-spool-import");
        var spool = new SpoolEventSink(dir.Path, 100, NullLogger<SpoolEventSink>.Instance);
        var events = Enumerable.Range(0, 3).Select(i => new TemplateEvent(Guid.CreateVersion7(DateTimeOffset.UtcNow.AddSeconds(i)), "line", "4", DateTimeOffset.UtcNow, "succeeded", new JsonObject { ["n"] = i })).ToList();
        foreach (var e in events) await spool.PublishAsync(e, CancellationToken.None);

        var options = HubLinkOptions.FromConnectionString($"HostName=h.azure-devices.net;DeviceId=d;ModuleId=m;SharedAccessKey={Key}");
        var queue = await OfflineQueue.OpenAsync(new OfflineQueueOptions { DatabasePath = dir.Combine("queue", "events.db") });
        await using var hub = new HubConnection(options, null, queue, NullLoggerFactory.Instance);
        var sink = new QueueEventSink(hub, NullLogger<QueueEventSink>.Instance);

        Assert.Equal(3, await sink.ImportSpoolAsync(dir.Path, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(spool.Directory));
        await sink.PublishAsync(events[0], CancellationToken.None); // re-handed after a restart: kept once
        Assert.Equal(new EventSinkStatus(3, 0, false, 0), sink.Status);

        var queued = await queue.PeekBatchAsync(10);
        Assert.Equal(events.Select(e => e.EventId), queued.Select(q => q.Event.EventId));
        Assert.All(queued, q => Assert.Equal(("line", "4", "succeeded"), (q.Event.Source, q.Event.Properties[QueueEventSink.TemplateVersionProperty], q.Event.Properties[QueueEventSink.RunStatusProperty])));
        Assert.Equal(events[2].Outputs.ToJsonString(), TemplateEvent.FromUtf8Json(queued[2].Event.Payload.Span).Outputs.ToJsonString());
        Assert.Equal(3, await sink.FlushAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None)); // nothing drains it
    }

    [Fact]
    public void Input_messages_become_template_inputs_like_files()
    {
        var none = new Dictionary<string, string>();
        var json = InputFiles.FromMessage("frames", new Dictionary<string, string> { ["$.ct"] = "application/json; charset=utf-8" }, """{"x": 3}"""u8);
        Assert.Equal(3, (int)json["x"]!);
        Assert.Equal("frames", (string)json["input_name"]!);
        Assert.Equal(3, InputFiles.FromMessage("readings", none, " [1, 2, 3] "u8)["readings"]!.AsArray().Count);

        var png = Classifier.Png(Classifier.Frame(1), 8, 8);
        Assert.Equal(Convert.ToBase64String(png), (string)InputFiles.FromMessage("frames", none, png)["frame"]!);
        // Without a content type, bytes that merely start like JSON are a frame; with one, a bad body is an error.
        var raw = Encoding.ASCII.GetBytes("{\u0001\u0002 raw pixels");
        Assert.Equal(Convert.ToBase64String(raw), (string)InputFiles.FromMessage("frames", none, raw)["frame"]!);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => InputFiles.FromMessage("frames", new Dictionary<string, string> { ["$.ct"] = "application/json" }, raw));
        Assert.Equal("AAE=", (string)InputFiles.FromMessage("frames", new Dictionary<string, string> { ["$.ct"] = "application/octet-stream" }, [0, 1])["frame"]!);
    }
}
