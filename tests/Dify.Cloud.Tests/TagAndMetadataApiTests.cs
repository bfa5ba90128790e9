using System.Text.Json.Nodes;
using Dify.Cloud.Knowledge;
using Dify.Knowledge.AzureSearch.Tests.Server;
using Dify.Storage.Tests.Azurite;

namespace Dify.Cloud.Tests;

/// <summary>
/// Knowledge tags and metadata fields in Azure over real HTTP: two instances of the cloud composition share Azurite
/// (same table prefix) and one AI Search server; what one edits, the other lists, filters and retrieves by.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TagAndMetadataApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Tags_created_and_bound_on_one_instance_are_listed_and_filter_datasets_on_the_other()
    {
        await using var search = await SearchServer.StartAsync();
        var shared = new Dictionary<string, string?> { ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        await using var editor = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        await using var reader = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        var key = await DatasetApiTests.DatasetKeyAsync(editor.Http);
        var tagged = (await Send(editor, HttpMethod.Post, "v1/datasets", key, new JsonObject { ["name"] = "Tagged" }))["id"]!.GetValue<string>();
        var other = (await Send(editor, HttpMethod.Post, "v1/datasets", key, new JsonObject { ["name"] = "Other" }))["id"]!.GetValue<string>();

        var tag = await Send(editor, HttpMethod.Post, "v1/datasets/tags", key, new JsonObject { ["name"] = " plant-a " });
        var tagId = tag["id"]!.GetValue<string>();
        Assert.Equal(("plant-a", "knowledge", "0"), (tag["name"]!.GetValue<string>(), tag["type"]!.GetValue<string>(), tag["binding_count"]!.GetValue<string>()));
        await Send(reader, HttpMethod.Post, "v1/datasets/tags", key, new JsonObject { ["name"] = "" }, 400);

        await Send(reader, HttpMethod.Post, "v1/datasets/tags/binding", key, new JsonObject { ["tag_ids"] = new JsonArray(tagId), ["target_id"] = tagged }, 204);
        var missing = await Send(reader, HttpMethod.Post, "v1/datasets/tags/binding", key, new JsonObject { ["tag_ids"] = new JsonArray("no-such-tag"), ["target_id"] = tagged }, 404);
        Assert.Contains("no-such-tag", missing["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var listed = (await Send(editor, HttpMethod.Get, "v1/datasets/tags", key)).AsArray();
        Assert.Equal("1", Assert.Single(listed)!["binding_count"]!.GetValue<string>());
        var datasetTags = await Send(editor, HttpMethod.Get, $"v1/datasets/{tagged}/tags", key);
        Assert.Equal(1, datasetTags["total"]!.GetValue<int>());
        Assert.Equal("plant-a", datasetTags["data"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(tagId, (await Send(editor, HttpMethod.Get, $"v1/datasets/{tagged}", key))["tags"]![0]!["id"]!.GetValue<string>());
        Assert.Empty((await Send(editor, HttpMethod.Get, $"v1/datasets/{other}", key))["tags"]!.AsArray());
        var filtered = (await Send(editor, HttpMethod.Get, $"v1/datasets?tag_ids={tagId}", key))["data"]!.AsArray();
        Assert.Equal([tagged], filtered.Select(d => d!["id"]!.GetValue<string>()));
        Assert.Equal(2, (await Send(editor, HttpMethod.Get, "v1/datasets", key))["data"]!.AsArray().Count);

        var renamed = await Send(editor, HttpMethod.Patch, "v1/datasets/tags", key, new JsonObject { ["tag_id"] = tagId, ["name"] = "plant-b" });
        Assert.Equal("plant-b", renamed["name"]!.GetValue<string>());
        Assert.Equal("plant-b", (await Send(reader, HttpMethod.Get, $"v1/datasets/{tagged}/tags", key))["data"]![0]!["name"]!.GetValue<string>());
        await Send(reader, HttpMethod.Patch, "v1/datasets/tags", key, new JsonObject { ["tag_id"] = "no-such-tag", ["name"] = "x" }, 404);

        await Send(editor, HttpMethod.Post, "v1/datasets/tags/unbinding", key, new JsonObject { ["tag_id"] = tagId, ["target_id"] = tagged }, 204);
        Assert.Equal(0, (await Send(reader, HttpMethod.Get, $"v1/datasets/{tagged}/tags", key))["total"]!.GetValue<int>());
        Assert.Empty((await Send(reader, HttpMethod.Get, $"v1/datasets?tag_ids={tagId}", key))["data"]!.AsArray());

        // Deleting a tag unbinds it everywhere.
        await Send(editor, HttpMethod.Post, "v1/datasets/tags/binding", key, new JsonObject { ["tag_ids"] = new JsonArray(tagId), ["target_id"] = other }, 204);
        Assert.Equal(1, (await Send(reader, HttpMethod.Get, $"v1/datasets/{other}/tags", key))["total"]!.GetValue<int>());
        await Send(reader, HttpMethod.Delete, "v1/datasets/tags", key, new JsonObject { ["tag_id"] = tagId }, 204);
        Assert.Empty((await Send(editor, HttpMethod.Get, "v1/datasets/tags", key)).AsArray());
        Assert.Equal(0, (await Send(editor, HttpMethod.Get, $"v1/datasets/{other}/tags", key))["total"]!.GetValue<int>());
        await Send(editor, HttpMethod.Delete, "v1/datasets/tags", key, new JsonObject { ["tag_id"] = tagId }, 404);
    }

    [Fact]
    public async Task Metadata_values_set_on_one_instance_filter_retrieval_on_the_other_without_re_embedding()
    {
        await using var search = await SearchServer.StartAsync();
        var shared = new Dictionary<string, string?> { ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        await using var editor = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        await using var reader = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        var (key, datasetId, manual, _) = await SegmentApiTests.IngestedDocumentAsync(editor, reader);
        var created = await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/document/create-by-text", key,
            new JsonObject { ["name"] = "pumps", ["text"] = "Hydraulic pumps are bled every 500 hours of operation.", ["indexing_technique"] = "high_quality", ["process_rule"] = new JsonObject { ["mode"] = "automatic" } });
        var pumps = created["document"]!["id"]!.GetValue<string>();
        Assert.Equal(DocumentBlobAction.Ingested, (await reader.Get<DocumentBlobTriggerHandler>().HandleAsync(datasetId, $"{pumps}.txt", CancellationToken.None)).Action);
        var metadata = $"v1/datasets/{datasetId}/metadata";

        var line = await Send(editor, HttpMethod.Post, metadata, key, new JsonObject { ["type"] = "string", ["name"] = "line" }, 201);
        var year = await Send(reader, HttpMethod.Post, metadata, key, new JsonObject { ["type"] = "number", ["name"] = "year" }, 201);
        var (lineId, yearId) = (line["id"]!.GetValue<string>(), year["id"]!.GetValue<string>());
        Assert.Equal("Metadata name already exists.", (await Send(reader, HttpMethod.Post, metadata, key, new JsonObject { ["type"] = "string", ["name"] = "line" }, 400))["message"]!.GetValue<string>());
        await Send(reader, HttpMethod.Post, metadata, key, new JsonObject { ["type"] = "date", ["name"] = "when" }, 400);

        var embeddings = editor.Models.EmbeddingRequestCount + reader.Models.EmbeddingRequestCount;
        await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/documents/metadata", key, new JsonObject
        {
            ["operation_data"] = new JsonArray(
                new JsonObject { ["document_id"] = manual, ["metadata_list"] = new JsonArray(new JsonObject { ["id"] = lineId, ["value"] = "A" }, new JsonObject { ["id"] = yearId, ["value"] = "2021" }) },
                new JsonObject { ["document_id"] = pumps, ["metadata_list"] = new JsonArray(new JsonObject { ["id"] = lineId, ["value"] = "B" }, new JsonObject { ["id"] = yearId, ["value"] = 2024 }) }),
        });
        Assert.Equal(embeddings, editor.Models.EmbeddingRequestCount + reader.Models.EmbeddingRequestCount);
        Assert.All(search.Index("knowledge")!.Documents.Values.Where(d => d["document_id"]!.GetValue<string>() == pumps),
            d => Assert.Contains("\"line\":\"B\"", d["doc_metadata"]!.GetValue<string>(), StringComparison.Ordinal));

        var listed = await Send(reader, HttpMethod.Get, metadata, key);
        Assert.False(listed["built_in_field_enabled"]!.GetValue<bool>());
        Assert.Equal(["line:2", "year:2"], listed["doc_metadata"]!.AsArray().Select(f => $"{f!["name"]}:{f["count"]}"));
        var yearValue = (await Send(reader, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/{manual}", key))["doc_metadata"]!.AsArray()
            .Single(m => m!["name"]!.GetValue<string>() == "year")!;
        Assert.Equal((yearId, "number", 2021), (yearValue["id"]!.GetValue<string>(), yearValue["type"]!.GetValue<string>(), yearValue["value"]!.GetValue<int>()));

        async Task<string[]> FoundAsync(string name, string op, JsonNode value) =>
            [.. (await Send(reader, HttpMethod.Post, $"v1/datasets/{datasetId}/retrieve", key, new JsonObject
            {
                ["query"] = "hydraulic hours operation",
                ["retrieval_model"] = new JsonObject
                {
                    ["search_method"] = "full_text_search", ["top_k"] = 10, ["reranking_enable"] = false, ["score_threshold_enabled"] = false,
                    ["metadata_filtering_conditions"] = new JsonObject
                    {
                        ["logical_operator"] = "and",
                        ["conditions"] = new JsonArray(new JsonObject { ["name"] = name, ["comparison_operator"] = op, ["value"] = value }),
                    },
                },
            }))["records"]!.AsArray().Select(r => r!["segment"]!["document_id"]!.GetValue<string>()).Distinct().Order()];

        Assert.Equal([manual], await FoundAsync("line", "is", "A"));
        Assert.Equal([pumps], await FoundAsync("line", "is", "B"));
        Assert.Equal([pumps], await FoundAsync("year", ">", 2022));

        // Rename on one instance: the values follow the new name in the index.
        Assert.Equal("production_line", (await Send(reader, HttpMethod.Patch, $"{metadata}/{lineId}", key, new JsonObject { ["name"] = "production_line" }))["name"]!.GetValue<string>());
        Assert.Equal([pumps], await FoundAsync("production_line", "is", "B"));
        Assert.Empty(await FoundAsync("line", "is", "B"));

        // Delete: the values go with the field.
        await Send(editor, HttpMethod.Delete, $"{metadata}/{yearId}", key, expected: 204);
        Assert.Empty(await FoundAsync("year", ">", 2022));
        await Send(reader, HttpMethod.Delete, $"{metadata}/{yearId}", key, expected: 404);

        // Built-in fields: document_name becomes filterable, and goes away when disabled.
        await Send(editor, HttpMethod.Post, $"{metadata}/built-in/enable", key);
        Assert.True((await Send(reader, HttpMethod.Get, metadata, key))["built_in_field_enabled"]!.GetValue<bool>());
        Assert.Equal([pumps], await FoundAsync("document_name", "is", "pumps"));
        Assert.Equal([manual], await FoundAsync("production_line", "is", "A"));
        await Send(reader, HttpMethod.Post, $"{metadata}/built-in/disable", key);
        Assert.Empty(await FoundAsync("document_name", "is", "pumps"));
        await Send(reader, HttpMethod.Post, $"{metadata}/built-in/sideways", key, expected: 400);

        // A new version of the document keeps its values (the trigger gives the new chunks the catalog's metadata).
        await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/documents/{pumps}/update-by-text", key,
            new JsonObject { ["name"] = "pumps", ["text"] = "Hydraulic pumps are bled every 250 hours of operation." });
        Assert.Equal(DocumentBlobAction.Ingested, (await editor.Get<DocumentBlobTriggerHandler>().HandleAsync(datasetId, $"{pumps}.txt", CancellationToken.None)).Action);
        Assert.Equal([pumps], await FoundAsync("production_line", "is", "B"));
        Assert.Contains(search.Index("knowledge")!.Documents.Values, d => d["content"]?.GetValue<string>().Contains("250 hours", StringComparison.Ordinal) == true);

        var unknown = await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/documents/metadata", key, new JsonObject
        {
            ["operation_data"] = new JsonArray(new JsonObject { ["document_id"] = manual, ["metadata_list"] = new JsonArray(new JsonObject { ["id"] = "nope", ["value"] = "x" }) }),
        }, 404);
        Assert.Equal("Metadata nope not found.", unknown["message"]!.GetValue<string>());
        await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/documents/metadata", key, new JsonObject
        {
            ["operation_data"] = new JsonArray(new JsonObject { ["document_id"] = "no-such-doc", ["metadata_list"] = new JsonArray() }),
        }, 404);
    }

    private static Task<JsonNode> Send(CloudHarness cloud, HttpMethod method, string path, string key, JsonNode? body = null, int? expected = null) =>
        CloudHttp.SendAsync(cloud.Http, method, path, key, body, expected);
}
