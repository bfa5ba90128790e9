using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Cloud.Edge;
using Dify.IoTHub.Events;
using Dify.Storage.Runs;
using Dify.Storage.Tests.Azurite;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Cloud.Tests;

/// <summary>
/// The Event Hubs trigger's path in the cloud composition: a batch shaped as the trigger binds it goes through
/// <see cref="EdgeEventsTriggerHandler"/> into the Table event store on Azurite (dedup across redeliveries), shows in the
/// console's edge events route, and a configured route starts one run of the app in the Table run index.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EdgeEventsTests(AzuriteFixture azurite)
{
    private const string EchoApp = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: edge-echo}
        workflow:
          graph:
            nodes:
            - id: start
              data: {type: start, title: Start, variables: [{variable: device_id, label: device, type: text-input, required: true}]}
            - id: end
              data: {type: end, title: End, outputs: [{variable: device, value_selector: [start, device_id]}]}
            edges:
            - {id: e1, source: start, target: end, sourceHandle: source, targetHandle: target}
        """;

    [Fact]
    public async Task A_batch_is_stored_once_listed_through_the_console_and_a_route_starts_one_run()
    {
        var routedApp = new StrongBox<string>("");
        await using var cloud = await CloudHarness.StartAsync(azurite, services: s =>
            s.PostConfigure<EdgeEventOptions>(o => o.Routes.Add(new EdgeEventRoute { Source = "defects", AppId = routedApp.Value! })));
        var import = await cloud.Get<AppRegistry>().ImportAsync(EchoApp, CancellationToken.None);
        Assert.NotNull(import.App);
        routedApp.Value = import.App.Id;
        var handler = cloud.Get<EdgeEventsTriggerHandler>();

        byte[][] bodies = [Event("ev-1"), Event("ev-2"), Encoding.UTF8.GetBytes("""{"from":"a service, not a device"}""")];
        Dictionary<string, JsonElement>[] system = [Device("press-07"), Device("press-07"), Parse("""{"x-opt-offset":"9"}""")];
        Dictionary<string, JsonElement>[] properties = [Parse("""{"event-source":"defects"}"""), Parse("""{"event-source":"defects"}"""), null!];
        DateTime[] enqueued = [new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc), new(2026, 11, 1, 8, 0, 1, DateTimeKind.Utc), new(2026, 11, 1, 8, 0, 2, DateTimeKind.Utc)];

        var first = await handler.HandleAsync(bodies, system, properties, enqueued, CancellationToken.None);
        Assert.Equal((2, 0, 0, 2), (first.Stored, first.Duplicates, first.Rejected, first.RunsStarted));
        // Event Hubs delivers at least once: the same batch again stores nothing and starts nothing.
        var again = await handler.HandleAsync(bodies, system, properties, enqueued, CancellationToken.None);
        Assert.Equal((0, 2, 0), (again.Stored, again.Duplicates, again.RunsStarted));

        using var request = new HttpRequestMessage(HttpMethod.Get, "console/api/edge/events?device_id=press-07");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CloudHarness.AdminKey);
        using var response = await cloud.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var ids = JsonNode.Parse(body)!["data"]!.AsArray().Select(e => (string)e!["event_id"]!).Order().ToList();
        Assert.Equal(["ev-1", "ev-2"], ids);

        var runId = Assert.Single(first.Events, e => e.EventId == "ev-1").StartedRunIds.Single();
        var result = await cloud.Get<WorkflowRunService>().WaitAsync(runId, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("press-07", (string)result.Outputs["device"]!);
        Assert.NotNull(await cloud.Get<IWorkflowRunIndex>().GetAsync(import.App.Id, runId, CancellationToken.None));
    }

    [Fact]
    public async Task Publishing_a_template_without_an_iot_hub_answers_not_implemented()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        using var request = new HttpRequestMessage(HttpMethod.Post, "console/api/edge/devices/press-07/modules/dify/templates")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { name = "echo", version = "1", yaml_content = EchoApp }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CloudHarness.AdminKey);
        using var response = await cloud.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    private static byte[] Event(string id) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["event_id"] = id, ["source"] = "defects", ["status"] = "succeeded", ["outputs"] = new JsonObject { ["is_defect"] = false },
    }.ToJsonString());

    private static Dictionary<string, JsonElement> Device(string id) =>
        Parse($$"""{"iothub-connection-device-id":"{{id}}","iothub-connection-module-id":"dify","content-type":"application/json","content-encoding":"utf-8"}""");

    private static Dictionary<string, JsonElement> Parse(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
