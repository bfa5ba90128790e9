using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing;
using Dify.Testing.Mosquitto;
using Xunit.Abstractions;

namespace Dify.Edge.Tests;

/// <summary>
/// The real module process against a real mosquitto, connected with a connection string, the test playing IoT Hub and
/// edgeHub on the same broker: templates arrive through the twin, frames through the module input (or the input folder),
/// results leave as telemetry from the durable queue, and an uplink outage loses nothing.
/// </summary>
[Collection(ModelsCollection.Name)]
public sealed class HubEndToEndTests(ModelsFixture models, ITestOutputHelper output)
{
    private const string Device = "press-07";
    private const string Module = "dify";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Twin_template_input_message_telemetry_and_an_outage_without_loss()
    {
        using var dir = new TempDirectory("dify-edge-hub-e2e");
        await using var broker = await MosquittoBroker.StartAsync();
        await using var hub = await HubSide.StartAsync(broker, Device, Module, new JsonObject { ["templates"] = new JsonObject() }, Timeout());
        using var module = ModuleProcess.Start(Environment(broker, dir));
        try
        {
            await module.WaitForOutputAsync("Edge module ready", Wait);

            // The cloud pushes an inline template; the module reports it active.
            var template = new JsonObject { ["version"] = "1", ["content"] = Templates.DefectCheck(), ["enabled"] = true };
            await hub.PatchDesiredAsync(new JsonObject { ["templates"] = new JsonObject { ["defects"] = template } }, Timeout());
            await hub.WaitForReportedAsync(r => (string?)r["templates"]?["defects"]?["status"] == "active", Wait, () => module.Output);
            Assert.Equal("1", (string)hub.Reported["templates"]!["defects"]!["version"]!);

            // A frame routed to the module's input "frames" (as a camera module's output would be) → one event upstream.
            await hub.SendInputAsync("frames", Classifier.Png(Classifier.Frame(5), 8, 8), [new("$.cdid", Device), new("$.cmid", "camera")], Timeout());
            var first = await hub.WaitForTelemetryAsync(_ => true, Wait, () => module.Output);
            AssertEvent(first, Classifier.Frame(5));

            // The uplink goes down; a frame dropped into the input folder is processed and its event waits in the queue.
            await broker.StopAsync();
            var inputs = Path.Combine(dir.Path, "inputs");
            await File.WriteAllBytesAsync(Path.Combine(inputs, ".frame-7.png"), Classifier.Png(Classifier.Frame(7), 8, 8));
            File.Move(Path.Combine(inputs, ".frame-7.png"), Path.Combine(inputs, "frame-7.png"));
            var deadline = DateTime.UtcNow + Wait;
            while (File.Exists(Path.Combine(inputs, "frame-7.png")) && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.False(File.Exists(Path.Combine(inputs, "frame-7.png")), "the dropped frame was never taken:\n" + module.Output);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Single(hub.Telemetry);

            // The broker comes back: the queued event arrives, nothing lost, nothing else.
            await broker.StartAgainAsync();
            var second = await hub.WaitForTelemetryAsync(t => t.EventId != first.EventId, Wait, () => module.Output);
            AssertEvent(second, Classifier.Frame(7));
            Assert.Equal(2, hub.Telemetry.Select(t => t.EventId).Distinct().Count());

            // status over a direct method: the queue is drained, the link is up, both events delivered.
            var (status, body) = await CallWhenDrainedAsync(hub);
            Assert.Equal(200, status);
            Assert.True((bool)body!["queue"]!["connected"]!);
            Assert.True((long)body["queue"]!["delivered"]! >= 2);
            Assert.Equal("1", (string)body["templates"]!["defects"]!["version"]!);
            Assert.Equal(2, (long)body["runs"]!["completed"]!);

            await module.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            output.WriteLine(module.Output);
        }
    }

    [Fact]
    public async Task A_bad_template_patch_is_rejected_the_previous_stays_active_and_methods_answer()
    {
        using var dir = new TempDirectory("dify-edge-hub-reject");
        await using var broker = await MosquittoBroker.StartAsync();
        var desired = new JsonObject { ["templates"] = new JsonObject { ["echo"] = new JsonObject { ["version"] = "1", ["content"] = Templates.Echo("v1"), ["enabled"] = true } } };
        await using var hub = await HubSide.StartAsync(broker, Device, Module, desired, Timeout());
        using var module = ModuleProcess.Start(Environment(broker, dir));
        try
        {
            // The initial twin read activates the template in the desired properties.
            await hub.WaitForReportedAsync(r => (string?)r["templates"]?["echo"]?["status"] == "active", Wait, () => module.Output);
            await module.WaitForOutputAsync("Edge module ready", Wait);

            await hub.PatchDesiredAsync(JsonNode.Parse("""{"templates":{"echo":{"version":"2","content":"version: 0.3.1\nkind: app\napp: {mode: workflow, name: broken}\nworkflow: {graph: {nodes: [{id: a, data: {type: no-such-node}}], edges: []}}\n"}}}""")!.AsObject(), Timeout());
            var reported = await hub.WaitForReportedAsync(r => (string?)r["templates"]?["echo"]?["status"] == "rejected", Wait, () => module.Output);
            Assert.Equal("2", (string)reported["templates"]!["echo"]!["version"]!);
            Assert.False(string.IsNullOrEmpty((string?)reported["templates"]!["echo"]!["error"]));

            var (status, body) = await hub.CallMethodAsync("status", null, Timeout());
            Assert.Equal(200, status);
            Assert.Equal("1", (string)body!["templates"]!["echo"]!["version"]!);
            Assert.True((bool)body["queue"]!["connected"]!);

            // Version 1 still runs: through runTemplate, and through a JSON message on the module input.
            (status, body) = await hub.CallMethodAsync("runTemplate", JsonNode.Parse("""{"template":"echo","inputs":{"x":42}}"""), Timeout());
            Assert.Equal(200, status);
            Assert.Equal(42, (int)body!["outputs"]!["x"]!);
            Assert.Equal("1", (string)body["template_version"]!);
            await hub.SendInputAsync("frames", Encoding.UTF8.GetBytes("""{"x": 7}"""), [new("$.ct", "application/json")], Timeout());
            var fromInput = await hub.WaitForTelemetryAsync(t => (int?)t.Body["outputs"]?["x"] == 7, Wait, () => module.Output);
            Assert.Equal("1", fromInput.Properties["template-version"]);
            var fromMethod = await hub.WaitForTelemetryAsync(t => (int?)t.Body["outputs"]?["x"] == 42, Wait, () => module.Output);
            Assert.Equal((string)body["run_id"]!, fromMethod.EventId);

            Assert.Equal(200, (await hub.CallMethodAsync("ping", null, Timeout())).Status);
            Assert.Equal(404, (await hub.CallMethodAsync("reboot", null, Timeout())).Status);
            var (flushStatus, flushBody) = await hub.CallMethodAsync("flushQueue", JsonNode.Parse("""{"timeout_seconds": 10}"""), Timeout());
            Assert.Equal(200, flushStatus);
            Assert.Equal(0, (long)flushBody!["remaining"]!);

            await module.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            output.WriteLine(module.Output);
        }
    }

    private static async Task<(int Status, JsonNode? Body)> CallWhenDrainedAsync(HubSide hub)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var answer = await hub.CallMethodAsync("status", null, Timeout());
            if ((long?)answer.Body?["queue"]?["depth"] == 0 || DateTime.UtcNow > deadline) return answer;
            await Task.Delay(100);
        }
    }

    private static void AssertEvent(HubTelemetry telemetry, byte[] frame)
    {
        Assert.StartsWith($"devices/{Device}/modules/{Module}/messages/events/", telemetry.Topic, StringComparison.Ordinal);
        Assert.Equal("events", telemetry.Properties["$.on"]);
        Assert.Equal("defects", telemetry.Properties["event-source"]);
        Assert.Equal("1", telemetry.Properties["template-version"]);
        Assert.Equal((string)telemetry.Body["event_id"]!, telemetry.EventId);
        Assert.Equal(telemetry.EventId, telemetry.Properties["$.mid"]);
        Assert.Equal("succeeded", (string)telemetry.Body["status"]!);
        var expected = Classifier.Probabilities(Classifier.ImageInput(frame, 0.5, 0.25));
        var outputs = telemetry.Body["outputs"]!;
        Assert.Equal(Classifier.Labels[Array.IndexOf(expected, expected.Max())], (string)outputs["top"]!["label"]!);
        var scores = outputs["scores"]!.AsArray().Select(s => (double)s!).ToArray();
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], scores[i], 4);
    }

    private Dictionary<string, string> Environment(MosquittoBroker broker, TempDirectory dir)
    {
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("dify-edge-test-key")));
        Directory.CreateDirectory(dir.Combine("inputs"));
        return new Dictionary<string, string>
        {
            ["Edge__DataDirectory"] = dir.Combine("data"),
            ["Edge__InputDirectory"] = dir.Combine("inputs"),
            ["Edge__InputPollMilliseconds"] = "50",
            ["Edge__ModelDirectory"] = models.Directory,
            ["Edge__HubConnectionString"] = $"HostName=myhub.azure-devices.net;DeviceId={Device};ModuleId={Module};SharedAccessKey={key};GatewayHostName={broker.Host}",
            ["Edge__HubPort"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Edge__HubUseTls"] = "false",
            ["Inference__IntraOpThreads"] = "1",
            ["ORT_LIB_PATH"] = Path.Combine(ModelsFixture.RepositoryRoot(), ".tools", "onnxruntime", "lib"),
        };
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
