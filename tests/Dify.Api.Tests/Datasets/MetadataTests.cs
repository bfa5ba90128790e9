using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

/// <summary>Metadata fields, values and built-in fields over a real host; retrieve's metadata_filtering_conditions use them.</summary>
public sealed class MetadataTests
{
    [Fact]
    public async Task Fields_and_values_drive_metadata_filtering_and_follow_renames_and_deletes()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Manuals");
        var (press, _) = await client.AddTextAsync(datasetId, "press.txt", "Hydraulic press maintenance: check the oil level every week.");
        var (lathe, _) = await client.AddTextAsync(datasetId, "lathe.txt", "Lathe maintenance: oil the spindle bearings every week.");

        var line = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/metadata", new JsonObject { ["type"] = "string", ["name"] = "line" }, 201);
        DatasetClient.AssertKeys(line, "id", "name", "type");
        var year = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/metadata", new JsonObject { ["type"] = "number", ["name"] = "year" }, 201);
        var lineId = line["id"]!.GetValue<string>();
        var yearId = year["id"]!.GetValue<string>();
        Assert.Equal("Metadata name already exists.", (await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/metadata", new JsonObject { ["type"] = "string", ["name"] = "line" }, 400))["message"]!.GetValue<string>());
        Assert.Contains("Built-in", (await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/metadata", new JsonObject { ["type"] = "string", ["name"] = "document_name" }, 400))["message"]!.GetValue<string>());

        await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/metadata", new JsonObject
        {
            ["operation_data"] = new JsonArray(
                new JsonObject { ["document_id"] = press, ["metadata_list"] = new JsonArray(new JsonObject { ["id"] = lineId, ["name"] = "line", ["value"] = "A" }, new JsonObject { ["id"] = yearId, ["name"] = "year", ["value"] = "2021" }) },
                new JsonObject { ["document_id"] = lathe, ["metadata_list"] = new JsonArray(new JsonObject { ["id"] = lineId, ["name"] = "line", ["value"] = "B" }, new JsonObject { ["id"] = yearId, ["name"] = "year", ["value"] = 2024 }) }),
        });

        var listed = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/metadata");
        Assert.False(listed["built_in_field_enabled"]!.GetValue<bool>());
        Assert.Equal(["line:2", "year:2"], listed["doc_metadata"]!.AsArray().Select(f => $"{f!["name"]}:{f["count"]}"));
        var docMetadata = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{press}"))["doc_metadata"]!.AsArray();
        var yearValue = docMetadata.Single(m => m!["name"]!.GetValue<string>() == "year")!;
        Assert.Equal((yearId, "number", 2021), (yearValue["id"]!.GetValue<string>(), yearValue["type"]!.GetValue<string>(), yearValue["value"]!.GetValue<int>()));

        async Task<string[]> FoundAsync(JsonObject conditions) => (await client.RetrieveAsync(datasetId, "maintenance oil every week",
                new JsonObject { ["search_method"] = "full_text_search", ["top_k"] = 5, ["metadata_filtering_conditions"] = conditions }))
            .Select(r => r!["segment"]!["document_id"]!.GetValue<string>()).Order().ToArray();
        JsonObject Condition(string name, string op, JsonNode value) => new()
        {
            ["logical_operator"] = "and",
            ["conditions"] = new JsonArray(new JsonObject { ["name"] = name, ["comparison_operator"] = op, ["value"] = value }),
        };

        Assert.Equal([press], await FoundAsync(Condition("line", "is", "A")));
        Assert.Equal([lathe], await FoundAsync(Condition("year", ">", 2022)));

        // Rename: the values follow the new name.
        Assert.Equal("production_line", (await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}/metadata/{lineId}", new JsonObject { ["name"] = "production_line" }))["name"]!.GetValue<string>());
        Assert.Equal([lathe], await FoundAsync(Condition("production_line", "is", "B")));
        Assert.Empty(await FoundAsync(Condition("line", "is", "B")));

        // Delete: the values go with the field.
        Assert.Equal(204, await client.StatusAsync(HttpMethod.Delete, $"datasets/{datasetId}/metadata/{yearId}"));
        Assert.Empty(await FoundAsync(Condition("year", ">", 2022)));
        Assert.Equal(404, await client.StatusAsync(HttpMethod.Delete, $"datasets/{datasetId}/metadata/{yearId}"));

        // Built-in fields: document_name becomes filterable, and goes away when disabled.
        var builtIn = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/metadata/built-in");
        Assert.Contains(builtIn["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "upload_date" && f["type"]!.GetValue<string>() == "time");
        await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/metadata/built-in/enable");
        Assert.True((await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/metadata"))["built_in_field_enabled"]!.GetValue<bool>());
        Assert.Equal([lathe], await FoundAsync(Condition("document_name", "start with", "lathe")));
        Assert.Equal([press], await FoundAsync(Condition("production_line", "is", "A")));
        await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/metadata/built-in/disable");
        Assert.Empty(await FoundAsync(Condition("document_name", "start with", "lathe")));

        var unknown = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/metadata", new JsonObject
        {
            ["operation_data"] = new JsonArray(new JsonObject { ["document_id"] = press, ["metadata_list"] = new JsonArray(new JsonObject { ["id"] = "nope", ["value"] = "x" }) }),
        }, 404);
        Assert.Equal("Metadata nope not found.", unknown["message"]!.GetValue<string>());
    }
}
