using System.Text;
using System.Text.Json.Nodes;
using Dify.IoTHub.Events;
using Dify.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Api.Tests.Http;

/// <summary>The edge admin routes and the event intake on the real local host (no hub configured: the MQTT side is in Dify.Edge.Tests).</summary>
public sealed class EdgeApiTests
{
    private const string Templates = "console/api/edge/devices/press-07/modules/dify/templates";

    [Fact]
    public async Task A_template_is_validated_before_the_hub_is_asked_and_without_a_hub_publishing_is_not_supported()
    {
        await using var api = await ApiHost.StartAsync();
        var hello = ApiHost.Fixture("hello.yml");

        async Task<string> Refused(JsonObject body) => (string)(await api.JsonAsync(HttpMethod.Post, Templates, ApiHost.AdminKey, body, status: 400))["message"]!;
        Assert.Contains("name", await Refused(new JsonObject { ["name"] = "has.dot", ["version"] = "1", ["yaml_content"] = hello }), StringComparison.Ordinal);
        Assert.Contains("version", await Refused(new JsonObject { ["name"] = "hello", ["yaml_content"] = hello }), StringComparison.Ordinal);
        Assert.Contains("yaml_content", await Refused(new JsonObject { ["name"] = "hello", ["version"] = "1" }), StringComparison.Ordinal);
        Assert.Contains("no-such-node", await Refused(new JsonObject { ["name"] = "hello", ["version"] = "1", ["yaml_content"] = "app: {mode: workflow}\nworkflow: {graph: {nodes: [{id: a, data: {type: no-such-node}}], edges: []}}\n" }), StringComparison.Ordinal);
        Assert.Contains("workflow apps", await Refused(new JsonObject { ["name"] = "chat", ["version"] = "1", ["yaml_content"] = ApiHost.Fixture("chat_state.yml") }), StringComparison.Ordinal);

        var notSupported = await api.JsonAsync(HttpMethod.Post, Templates, ApiHost.AdminKey, new JsonObject { ["name"] = "hello", ["version"] = "1", ["yaml_content"] = hello }, status: 501);
        Assert.Equal("not_supported", (string)notSupported["code"]!);
        await api.JsonAsync(HttpMethod.Get, Templates, ApiHost.AdminKey, status: 501);
        await api.JsonAsync(HttpMethod.Get, Templates, "wrong-key", status: 401);
    }

    [Fact]
    public async Task Routed_events_start_one_run_each_through_the_api_and_the_listing_pages_and_filters()
    {
        using var data = new TempDirectory("dify-edge-api");
        string appId, key;
        await using (var first = await ApiHost.StartAsync(dataDirectory: data.Path)) (appId, key) = await first.ImportAsync("hello.yml");

        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?>
        {
            ["EdgeEvents:Routes:0:AppId"] = appId,
            ["EdgeEvents:Routes:0:Source"] = "greeter",
            ["EdgeEvents:Routes:1:AppId"] = "no-such-app",
            ["EdgeEvents:Routes:1:Source"] = "other",
        }, data.Path);
        var ingestor = api.Host.Services.GetRequiredService<IEdgeEventIngestor>();
        static EdgeTelemetryMessage Message(string device, string module, string id, string source) => new(
            device, module, id, DateTimeOffset.UtcNow, new Dictionary<string, string> { ["event-source"] = source },
            Encoding.UTF8.GetBytes(new JsonObject { ["event_id"] = id, ["source"] = source, ["status"] = "succeeded", ["outputs"] = new JsonObject { ["v"] = id } }.ToJsonString()));
        var batch = new[] { Message("press-07", "dify", "e1", "greeter"), Message("press-07", "camera", "e2", "greeter"), Message("press-08", "dify", "e3", "other") };

        var result = await ingestor.IngestBatchAsync(batch, CancellationToken.None);
        Assert.Equal((3, 2, 1), (result.Stored, result.RunsStarted, result.RouteFailures));
        Assert.Contains("no-such-app", result.Events[2].RouteErrors[0], StringComparison.Ordinal);
        var again = await ingestor.IngestBatchAsync(batch, CancellationToken.None);
        Assert.Equal((3, 0), (again.Duplicates, again.RunsStarted));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonObject logs;
        do logs = await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs", key);
        while (logs["data"]!.AsArray().Count(r => (string?)r!["workflow_run"]?["status"] == "succeeded") < 2 && DateTime.UtcNow < deadline && await Task.Delay(50).ContinueWith(_ => true));
        Assert.Equal(2, logs["data"]!.AsArray().Count);
        var runId = (string)logs["data"]![0]!["workflow_run"]!["id"]!;
        var inputs = JsonNode.Parse((string)(await api.JsonAsync(HttpMethod.Get, $"v1/workflows/run/{runId}", key))["inputs"]!)!;
        Assert.Equal("press-07", (string)inputs["device_id"]!);
        Assert.Equal("greeter", (string)inputs["event_source"]!);

        var page1 = await api.JsonAsync(HttpMethod.Get, "console/api/edge/events?limit=2", ApiHost.AdminKey);
        Assert.Equal((true, 2), ((bool)page1["has_more"]!, page1["data"]!.AsArray().Count));
        var page2 = await api.JsonAsync(HttpMethod.Get, $"console/api/edge/events?limit=2&continuation={Uri.EscapeDataString((string)page1["next"]!)}", ApiHost.AdminKey);
        Assert.Equal((false, 1), ((bool)page2["has_more"]!, page2["data"]!.AsArray().Count));
        Assert.Equal(["e1", "e2", "e3"], page1["data"]!.AsArray().Concat(page2["data"]!.AsArray()).Select(e => (string)e!["event_id"]!).Order());

        Assert.Equal(["e1", "e2"], (await api.JsonAsync(HttpMethod.Get, "console/api/edge/events?device_id=press-07", ApiHost.AdminKey))["data"]!.AsArray().Select(e => (string)e!["event_id"]!).Order());
        Assert.Equal("e2", (string)(await api.JsonAsync(HttpMethod.Get, "console/api/edge/events?module_id=camera", ApiHost.AdminKey))["data"]![0]!["event_id"]!);
        Assert.Equal("v", ((JsonObject)(await api.JsonAsync(HttpMethod.Get, "console/api/edge/events?module_id=camera", ApiHost.AdminKey))["data"]![0]!["event"]!["outputs"]!).Single().Key);
        Assert.Contains("continuation", (string)(await api.JsonAsync(HttpMethod.Get, "console/api/edge/events?continuation=%25bad", ApiHost.AdminKey, status: 400))["message"]!, StringComparison.Ordinal);
        await api.JsonAsync(HttpMethod.Get, "console/api/edge/events?limit=500", ApiHost.AdminKey, status: 400);
    }
}
