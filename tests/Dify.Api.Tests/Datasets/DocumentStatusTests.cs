using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

/// <summary>PATCH /datasets/{id}/documents/status/{action} over a real host: retrieval, lists and errors follow the flags.</summary>
public sealed class DocumentStatusTests
{
    [Fact]
    public async Task Disabled_and_archived_documents_leave_retrieval_and_come_back()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Status");
        var (plants, _) = await client.AddTextAsync(datasetId, "plants", DocumentFlowTests.Photosynthesis);
        var (bread, _) = await client.AddTextAsync(datasetId, "bread", DocumentFlowTests.Sourdough);
        const string Query = "photosynthesis sunlight glucose chloroplasts";
        var model = new JsonObject { ["search_method"] = "hybrid_search", ["top_k"] = 10 };

        async Task<string[]> FoundAsync() => (await client.RetrieveAsync(datasetId, Query, model))
            .Select(r => r!["segment"]!["document_id"]!.GetValue<string>()).Distinct().ToArray();
        async Task<JsonNode> ListedAsync(string id) => (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents"))["data"]!.AsArray()
            .Single(d => d!["id"]!.GetValue<string>() == id)!;
        Task<JsonObject> SetAsync(string action, int status = 200, params string[] ids) =>
            client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}/documents/status/{action}", new JsonObject { ["document_ids"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]) }, status);

        Assert.Contains(plants, await FoundAsync());

        Assert.Equal("success", (await SetAsync("disable", 200, plants, "no-such-document"))["result"]!.GetValue<string>());
        Assert.DoesNotContain(plants, await FoundAsync());
        var listed = await ListedAsync(plants);
        Assert.Equal((false, false, "disabled"), (listed["enabled"]!.GetValue<bool>(), listed["archived"]!.GetValue<bool>(), listed["display_status"]!.GetValue<string>()));
        Assert.Single((await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents?status=disabled"))["data"]!.AsArray());

        await SetAsync("enable", 200, plants);
        Assert.Contains(plants, await FoundAsync());
        Assert.Equal("available", (await ListedAsync(plants))["display_status"]!.GetValue<string>());

        await SetAsync("archive", 200, plants, bread);
        Assert.Empty(await FoundAsync());
        listed = await ListedAsync(plants);
        Assert.Equal((true, true, "archived"), (listed["enabled"]!.GetValue<bool>(), listed["archived"]!.GetValue<bool>(), listed["display_status"]!.GetValue<string>()));
        var single = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{bread}");
        Assert.True(single["archived"]!.GetValue<bool>());

        await SetAsync("un_archive", 200, plants);
        Assert.Equal([plants], await FoundAsync());

        // The flags survive a restart of the search view (a segment edit reloads it from the file).
        await SetAsync("disable", 200, plants);
        var segment = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{bread}/segments"))["data"]![0]!["id"]!.GetValue<string>();
        await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/{bread}/segments/{segment}", new JsonObject { ["segment"] = new JsonObject { ["enabled"] = true } });
        Assert.Empty(await FoundAsync());
        await SetAsync("enable", 200, plants);
        Assert.Equal([plants], await FoundAsync());

        var bad = await SetAsync("delete", 400, plants);
        Assert.Equal("invalid_action", bad["code"]!.GetValue<string>());
        Assert.Contains("delete", bad["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalid_param", (await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}/documents/status/enable", new JsonObject(), 400))["code"]!.GetValue<string>());
        Assert.Equal(404, (await client.JsonAsync(HttpMethod.Patch, "datasets/missing/documents/status/enable", new JsonObject { ["document_ids"] = new JsonArray() }, 404))["status"]!.GetValue<int>());
    }
}
