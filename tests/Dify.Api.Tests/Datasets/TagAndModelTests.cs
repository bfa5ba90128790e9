using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

/// <summary>Knowledge tags and the embedding model list over a real host.</summary>
public sealed class TagAndModelTests
{
    [Fact]
    public async Task Tags_are_created_bound_listed_filtered_renamed_and_deleted()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var manuals = await client.CreateDatasetAsync("Manuals");
        var reports = await client.CreateDatasetAsync("Reports");

        var press = await client.JsonAsync(HttpMethod.Post, "datasets/tags", new JsonObject { ["name"] = "press" });
        DatasetClient.AssertKeys(press, "id", "name", "type", "binding_count");
        Assert.Equal(("press", "knowledge", "0"), (press["name"]!.GetValue<string>(), press["type"]!.GetValue<string>(), press["binding_count"]!.GetValue<string>()));
        var pressId = press["id"]!.GetValue<string>();
        var lineId = (await client.JsonAsync(HttpMethod.Post, "datasets/tags", new JsonObject { ["name"] = "line-b" }))["id"]!.GetValue<string>();
        Assert.Equal("invalid_param", (await client.JsonAsync(HttpMethod.Post, "datasets/tags", new JsonObject { ["name"] = new string('x', 51) }, 400))["code"]!.GetValue<string>());

        Assert.Equal(204, (int)(await SendAsync(client, HttpMethod.Post, "datasets/tags/binding", new JsonObject { ["tag_ids"] = new JsonArray(pressId, lineId), ["target_id"] = manuals })));
        Assert.Equal(204, (int)(await SendAsync(client, HttpMethod.Post, "datasets/tags/binding", new JsonObject { ["tag_ids"] = new JsonArray(lineId), ["target_id"] = reports })));
        Assert.Equal(404, (int)(await SendAsync(client, HttpMethod.Post, "datasets/tags/binding", new JsonObject { ["tag_ids"] = new JsonArray("nope"), ["target_id"] = reports })));

        var tags = await Api(client).JsonArrayAsync("datasets/tags");
        Assert.Equal(["line-b:2", "press:1"], tags.Select(t => $"{t!["name"]}:{t["binding_count"]}").Order());
        var bound = await client.JsonAsync(HttpMethod.Get, $"datasets/{manuals}/tags");
        Assert.Equal(2, bound["total"]!.GetValue<int>());
        Assert.Equal(["line-b", "press"], (await client.JsonAsync(HttpMethod.Get, $"datasets/{manuals}"))["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order());
        Assert.Equal([manuals], (await client.JsonAsync(HttpMethod.Get, $"datasets?tag_ids={pressId}"))["data"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()));
        Assert.Equal(2, (await client.JsonAsync(HttpMethod.Get, $"datasets?tag_ids={lineId}"))["total"]!.GetValue<int>());

        Assert.Equal("presses", (await client.JsonAsync(HttpMethod.Patch, "datasets/tags", new JsonObject { ["tag_id"] = pressId, ["name"] = "presses" }))["name"]!.GetValue<string>());
        Assert.Equal(204, await SendAsync(client, HttpMethod.Post, "datasets/tags/unbinding", new JsonObject { ["tag_id"] = lineId, ["target_id"] = manuals }));
        Assert.Equal(["presses"], (await client.JsonAsync(HttpMethod.Get, $"datasets/{manuals}/tags"))["data"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));

        Assert.Equal(204, await SendAsync(client, HttpMethod.Delete, "datasets/tags", new JsonObject { ["tag_id"] = lineId }));
        Assert.Equal(0, (await client.JsonAsync(HttpMethod.Get, $"datasets/{reports}/tags"))["total"]!.GetValue<int>());
        Assert.Equal("Tag not found.", (await client.JsonAsync(HttpMethod.Delete, "datasets/tags", new JsonObject { ["tag_id"] = lineId }, 404))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embedding_models_list_the_embedded_embedder_and_configured_providers()
    {
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?>
        {
            ["Models:Providers:openai:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Models:Providers:openai:Model"] = "text-embedding-3-small",
        });
        var client = await DatasetClient.CreateAsync(api);

        var data = (await client.JsonAsync(HttpMethod.Get, "workspaces/current/models/model-types/text-embedding"))["data"]!.AsArray();

        var providers = data.ToDictionary(p => p!["provider"]!.GetValue<string>(), p => p!["models"]!.AsArray());
        Assert.Equal(["embedded", "openai"], providers.Keys.Order());
        var embedded = Assert.Single(providers["embedded"])!;
        DatasetClient.AssertKeys(embedded, "model", "label", "model_type", "features", "fetch_from", "model_properties", "deprecated", "status", "load_balancing_enabled");
        Assert.Equal(("hashing-384", "text-embedding", "active"), (embedded["model"]!.GetValue<string>(), embedded["model_type"]!.GetValue<string>(), embedded["status"]!.GetValue<string>()));
        Assert.Equal("text-embedding-3-small", Assert.Single(providers["openai"])!["model"]!.GetValue<string>());
        DatasetClient.AssertKeys(data[0], "provider", "label", "icon_small", "icon_large", "status", "models");
    }

    private static async Task<int> SendAsync(DatasetClient client, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, "v1/" + path) { Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client.Key);
        using var response = await client.Api.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static ArrayReader Api(DatasetClient client) => new(client);

    /// <summary>The tag list is a bare JSON array (Dify's shape), which the object helpers do not read.</summary>
    private sealed class ArrayReader(DatasetClient client)
    {
        public async Task<JsonArray> JsonArrayAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/" + path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client.Key);
            using var response = await client.Api.Http.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        }
    }
}
