using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Mqtt;
using Dify.Host.LocalHub;
using Dify.Host.Web;
using Dify.Testing;
using Dify.Testing.Mosquitto;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dify.Edge.Tests;

/// <summary>
/// Local development as a user runs it: a real mosquitto, the real Dify.Host web host (in process, 127.0.0.1) with its
/// local IoT Hub stand-in, and the real module process. A template published through the admin API reaches the module
/// and is reported active; the module's event becomes visible through the admin API exactly once (also when the same
/// message is delivered again) and starts one run of the routed app, visible in the app's workflow logs.
/// </summary>
[Collection(ModelsCollection.Name)]
public sealed class LocalHubEndToEndTests(ModelsFixture models, ITestOutputHelper output)
{
    private const string Device = "press-07";
    private const string Module = "dify";
    private const string AdminKey = "edge-admin-key";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string RoutedApp = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: edge-triage}
        workflow:
          graph:
            nodes:
            - id: start
              data: {type: start, title: Start, variables: [{variable: device_id, label: device, type: text-input, required: true}, {variable: event_id, label: event, type: text-input, required: true}]}
            - id: end
              data: {type: end, title: End, outputs: [{variable: device, value_selector: [start, device_id]}, {variable: event, value_selector: [start, event_id]}]}
            edges:
            - {source: start, target: end}
        """;

    [Fact]
    public async Task Template_published_through_the_api_runs_on_the_module_and_its_event_comes_back_once_and_starts_the_routed_app()
    {
        using var data = new TempDirectory("dify-localhub-e2e");
        using var moduleDir = new TempDirectory("dify-localhub-module");
        await using var broker = await MosquittoBroker.StartAsync();

        // The user imports the app the events should start, then configures the route and serves with the local hub.
        string appId, appKey;
        await using (var first = await DifyWebHost.StartAsync(data.Path, Configuration(broker, null), "http://127.0.0.1:0"))
        {
            using var http = Client(first);
            var import = await JsonAsync(http, HttpMethod.Post, "console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = RoutedApp });
            appId = (string)import["app_id"]!;
            appKey = (string)(await JsonAsync(http, HttpMethod.Post, $"console/api/apps/{appId}/api-keys", null, expected: 201))["token"]!;
        }

        await using var host = await DifyWebHost.StartAsync(data.Path, Configuration(broker, appId), "http://127.0.0.1:0");
        using var api = Client(host);
        await host.Services.GetRequiredService<LocalIoTHub>().WaitUntilConnectedAsync(Timeout());
        await Task.Delay(300); // the hub's SUBACK: a twin GET sent before it would go unanswered

        using var module = ModuleProcess.Start(ModuleEnvironment(broker, moduleDir));
        try
        {
            await module.WaitForOutputAsync("Edge module ready", Wait);
            var templatesPath = $"console/api/edge/devices/{Device}/modules/{Module}/templates";

            // A template that does not import is refused before anything is sent.
            var refused = await JsonAsync(api, HttpMethod.Post, templatesPath, new JsonObject { ["name"] = "echo", ["version"] = "0", ["yaml_content"] = "app: {mode: workflow}\nworkflow: {graph: {nodes: [{id: a, data: {type: no-such-node}}], edges: []}}\n" }, expected: 400);
            Assert.Contains("no-such-node", (string)refused["message"]!, StringComparison.Ordinal);
            Assert.Empty((await JsonAsync(api, HttpMethod.Get, templatesPath))["data"]!.AsArray());

            // Publish → the module activates and reports it, visible through GET.
            var published = await JsonAsync(api, HttpMethod.Post, templatesPath, new JsonObject { ["name"] = "echo", ["version"] = "1", ["yaml_content"] = Templates.Echo("v1") });
            Assert.Equal("1", (string)published["data"]![0]!["desired_version"]!);
            var reported = await PollAsync(() => JsonAsync(api, HttpMethod.Get, templatesPath), t => (string?)t["data"]?[0]?["status"] == "active", module);
            Assert.Equal(("echo", "1", "1"), ((string)reported["data"]![0]!["name"]!, (string)reported["data"]![0]!["version"]!, (string)reported["data"]![0]!["desired_version"]!));

            // A message routed to the module's input (as edgeHub would) → one run on the device → one event upstream.
            await using var edgeHub = await ConnectAsync(broker, "edgehub-routing");
            await edgeHub.PublishAsync(new MqttMessage($"devices/{Device}/modules/{Module}/inputs/frames/{PropertyBag.Encode([new("$.ct", "application/json")])}", Encoding.UTF8.GetBytes("""{"x": 7}""")), Timeout());
            var events = await PollAsync(() => JsonAsync(api, HttpMethod.Get, $"console/api/edge/events?device_id={Device}"), e => e["data"]!.AsArray().Count > 0, module);
            var stored = Assert.Single(events["data"]!.AsArray())!;
            Assert.Equal(("accepted", Module, "echo", "1", "succeeded"), ((string)stored["status"]!, (string)stored["module_id"]!, (string)stored["source"]!, (string)stored["template_version"]!, (string)stored["run_status"]!));
            Assert.Equal(7, (int)stored["event"]!["outputs"]!["x"]!);
            var eventId = (string)stored["event_id"]!;
            Assert.Equal(eventId, (string)stored["event"]!["event_id"]!);

            // The routed app ran once, with the event as inputs.
            var logs = await PollAsync(() => JsonAsync(api, HttpMethod.Get, "v1/workflows/logs", key: appKey), l => (string?)l["data"]?[0]?["workflow_run"]?["status"] == "succeeded", module);
            Assert.Single(logs["data"]!.AsArray());
            var runId = (string)logs["data"]![0]!["workflow_run"]!["id"]!;
            var run = await JsonAsync(api, HttpMethod.Get, $"v1/workflows/run/{runId}", key: appKey);
            Assert.Equal((Device, eventId), ((string)run["outputs"]!["device"]!, (string)run["outputs"]!["event"]!));

            // The same message delivered again (IoT Hub and the queue are at-least-once): still one event, one run.
            await using var replay = await ConnectAsync(broker, "replay");
            var properties = new List<KeyValuePair<string, string>> { new("$.mid", eventId), new("$.ct", "application/json"), new("$.ce", "utf-8"), new("event-id", eventId), new("event-source", "echo") };
            await replay.PublishAsync(new MqttMessage($"devices/{Device}/modules/{Module}/messages/events/{PropertyBag.Encode(properties)}", Encoding.UTF8.GetBytes(stored["event"]!.ToJsonString())), Timeout());
            // A malformed message from the same module is kept as rejected, with its reason.
            await replay.PublishAsync(new MqttMessage($"devices/{Device}/modules/{Module}/messages/events/{PropertyBag.Encode([new("$.mid", "garbage-1")])}", Encoding.UTF8.GetBytes("not json")), Timeout());
            var after = await PollAsync(() => JsonAsync(api, HttpMethod.Get, "console/api/edge/events"), e => e["data"]!.AsArray().Count >= 2, module);
            var all = after["data"]!.AsArray();
            Assert.Equal(2, all.Count);
            Assert.Single(all, e => (string)e!["event_id"]! == eventId);
            var rejected = Assert.Single(all, e => (string)e!["status"]! == "rejected")!;
            Assert.Contains("not JSON", (string)rejected["error"]!, StringComparison.Ordinal);
            await Task.Delay(500);
            Assert.Single((await JsonAsync(api, HttpMethod.Get, "v1/workflows/logs", key: appKey))["data"]!.AsArray());

            // Admin routes need the admin key; another module is not served by this stand-in.
            using (var anonymous = await api.GetAsync("console/api/edge/events")) Assert.Equal(401, (int)anonymous.StatusCode);
            await JsonAsync(api, HttpMethod.Get, $"console/api/edge/devices/{Device}/modules/other/templates", expected: 404);

            await module.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            output.WriteLine(module.Output);
        }
    }

    private static IConfiguration Configuration(MosquittoBroker broker, string? routedAppId)
    {
        var values = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Admin:ApiKey"] = AdminKey,
        };
        if (routedAppId is not null)
        {
            values["LocalHub:Mqtt:Host"] = broker.Host;
            values["LocalHub:Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
            values["LocalHub:Mqtt:ClientId"] = "dify-local-hub-" + Guid.NewGuid().ToString("N")[..8];
            values["LocalHub:DeviceId"] = Device;
            values["LocalHub:ModuleId"] = Module;
            values["EdgeEvents:Routes:0:AppId"] = routedAppId;
            values["EdgeEvents:Routes:0:Source"] = "echo";
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private Dictionary<string, string> ModuleEnvironment(MosquittoBroker broker, TempDirectory dir)
    {
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("dify-edge-test-key")));
        Directory.CreateDirectory(dir.Combine("inputs"));
        return new Dictionary<string, string>
        {
            ["Edge__DataDirectory"] = dir.Combine("data"),
            ["Edge__InputDirectory"] = dir.Combine("inputs"),
            ["Edge__ModelDirectory"] = models.Directory,
            ["Edge__HubConnectionString"] = $"HostName=localhub.azure-devices.net;DeviceId={Device};ModuleId={Module};SharedAccessKey={key};GatewayHostName={broker.Host}",
            ["Edge__HubPort"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Edge__HubUseTls"] = "false",
            ["ORT_LIB_PATH"] = Path.Combine(ModelsFixture.RepositoryRoot(), ".tools", "onnxruntime", "lib"),
        };
    }

    private static HttpClient Client(DifyWebHost host) => new() { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<MqttClient> ConnectAsync(MosquittoBroker broker, string clientId)
    {
        var client = new MqttClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = clientId, CleanSession = true });
        await client.ConnectAsync(Timeout());
        return client;
    }

    private static async Task<JsonObject> JsonAsync(HttpClient http, HttpMethod method, string path, JsonNode? body = null, int expected = 200, string key = AdminKey)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{method} {path}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonObject> PollAsync(Func<Task<JsonObject>> read, Func<JsonObject, bool> done, ModuleProcess module)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var current = await read();
            if (done(current)) return current;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"never reached: {current.ToJsonString()}\n{module.Output}");
            await Task.Delay(100);
        }
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
