using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Cloud.Engine;
using Dify.Cloud.Http;
using Dify.Storage.Apps;
using Dify.Storage.AzureStores;
using Dify.Storage.Runs;
using Dify.Storage.Tests.Azurite;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dify.Cloud.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class WorkflowRunTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Runs_llm_code_and_if_else_with_payloads_that_survive_json_and_events_in_the_table_log()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var import = await cloud.Get<AppRegistry>().ImportAsync(CloudApps.LlmCodeIfElse, CancellationToken.None);
        Assert.NotNull(import.App);
        var runs = cloud.Get<WorkflowRunService>();

        var longRun = await runs.StartAsync(import.App.Definition, new StartRunOptions { Inputs = new JsonObject { ["name"] = "Ada" }, AppId = import.App.Id }, CancellationToken.None);
        var shortRun = await runs.StartAsync(import.App.Definition, new StartRunOptions { Inputs = new JsonObject { ["name"] = "Al" }, AppId = import.App.Id }, CancellationToken.None);
        var longResult = await runs.WaitAsync(longRun, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var shortResult = await runs.WaitAsync(shortRun, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(longResult.Status == WorkflowRunStatus.Succeeded, longResult.Error);
        Assert.Equal("GREET ADA", longResult.Outputs["verdict"]!.GetValue<string>());
        Assert.Equal("""["greet","Ada"]""", longResult.Outputs["parts"]!.ToJsonString());
        Assert.True(shortResult.Status == WorkflowRunStatus.Succeeded, shortResult.Error);
        Assert.Equal("greet Al", shortResult.Outputs["verdict"]!.GetValue<string>());
        Assert.Contains(cloud.Models.Requests, r => r.Messages[^1].Text == "greet Ada");

        // llm and code per run went through the JSON round trip, unchanged.
        Assert.True(cloud.RoundTrips >= 8, $"only {cloud.RoundTrips} payloads round-tripped");
        Assert.Empty(cloud.RoundTripProblems);

        // The events are in Azurite: a second log over the same account (another instance) reads them.
        await cloud.Get<IRunEventLog>().FlushAsync(CancellationToken.None);
        await using var otherInstance = await TableRunEventLog.OpenAsync(cloud.Get<AzureStoreAccount>(), NullLogger<TableRunEventLog>.Instance, CancellationToken.None);
        var events = await otherInstance.ReadAsync(longRun, 0, 1000, CancellationToken.None);
        var names = events.Select(e => e.Event).ToList();
        Assert.Equal("workflow_started", names[0]);
        Assert.Equal("workflow_finished", names[^1]);
        Assert.Equal(2, events.Count(e => e.Event == "node_finished" && (e.DataJson.Contains("\"node_type\":\"llm\"") || e.DataJson.Contains("\"node_type\":\"code\""))));
        Assert.Contains("GREET ADA", events[^1].DataJson);
    }

    [Fact]
    public async Task An_instance_that_never_imported_the_app_compiles_it_from_the_stored_version()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var import = await cloud.Get<AppRegistry>().ImportAsync(CloudApps.LlmCodeIfElse, CancellationToken.None);
        var key = import.App!.Definition.Key;

        var fresh = new StoreBackedWorkflowCatalog(cloud.Get<IAppStore>(), cloud.Get<WorkflowAppLoader>(), NullLogger<StoreBackedWorkflowCatalog>.Instance);
        Assert.True(fresh.TryGet(key, out var definition));
        Assert.Equal(key, definition!.Key);
        Assert.False(fresh.TryGet("wf-unknown", out _));
        var error = Assert.Throws<KeyNotFoundException>(() => fresh.Get("wf-unknown"));
        Assert.Contains("wf-unknown", error.Message);
    }

    [Fact]
    public async Task The_http_pipeline_behind_a_catch_all_route_serves_the_service_api_blocking_and_streaming()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var http = cloud.Http;

        using (var anonymous = await http.PostAsync("console/api/apps/imports", Json(new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = CloudApps.LlmCodeIfElse })))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var imported = await SendAsync(http, HttpMethod.Post, "console/api/apps/imports", CloudHarness.AdminKey, new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = CloudApps.LlmCodeIfElse });
        var appId = imported["app_id"]!.GetValue<string>();
        var key = (await SendAsync(http, HttpMethod.Post, $"console/api/apps/{appId}/api-keys", CloudHarness.AdminKey, null))["token"]!.GetValue<string>();

        var blocking = await SendAsync(http, HttpMethod.Post, "v1/workflows/run", key,
            new JsonObject { ["inputs"] = new JsonObject { ["name"] = "Ada" }, ["response_mode"] = "blocking", ["user"] = "u1" });
        Assert.Equal("succeeded", blocking["data"]!["status"]!.GetValue<string>());
        Assert.Equal("GREET ADA", blocking["data"]!["outputs"]!["verdict"]!.GetValue<string>());

        using var stream = new HttpRequestMessage(HttpMethod.Post, "v1/workflows/run")
        {
            Content = Json(new JsonObject { ["inputs"] = new JsonObject { ["name"] = "Al" }, ["response_mode"] = "streaming", ["user"] = "u1" }),
        };
        stream.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var sse = await http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType?.MediaType);
        var body = await sse.Content.ReadAsStringAsync();
        Assert.Contains("\"event\":\"workflow_started\"", body);
        Assert.Contains("\"event\":\"workflow_finished\"", body);
        Assert.Contains("greet Al", body);

        // The Dataset API is served behind the same route, and an app key is not a dataset key.
        using var datasets = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/datasets") { Headers = { Authorization = new("Bearer", key) } });
        Assert.Equal(HttpStatusCode.Unauthorized, datasets.StatusCode);
        Assert.Contains("unauthorized", await datasets.Content.ReadAsStringAsync());
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, string bearer, JsonNode? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
