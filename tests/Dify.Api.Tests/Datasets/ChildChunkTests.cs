using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

/// <summary>Child chunks CRUD of a parent-child document over a real host; retrieval follows every edit.</summary>
public sealed class ChildChunkTests
{
    [Fact]
    public async Task Child_chunks_are_listed_added_updated_and_deleted_and_retrieval_follows()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Parents");
        var rule = new JsonObject
        {
            ["mode"] = "hierarchical",
            ["rules"] = new JsonObject
            {
                ["pre_processing_rules"] = new JsonArray(),
                ["segmentation"] = new JsonObject { ["separator"] = "\\n\\n", ["max_tokens"] = 500 },
                ["parent_mode"] = "paragraph",
                ["subchunk_segmentation"] = new JsonObject { ["separator"] = ". ", ["max_tokens"] = 60 },
            },
        };
        var created = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/document/create-by-text", new JsonObject
        {
            ["name"] = "animals", ["text"] = "Owls hunt at night. Their feathers are silent. They eat mice.\n\nBees make honey. They dance to share directions.",
            ["doc_form"] = "hierarchical_model", ["process_rule"] = rule,
        });
        await client.WaitIndexedAsync(datasetId, created["batch"]!.GetValue<string>());
        var documentId = created["document"]!["id"]!.GetValue<string>();
        var segment = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments"))["data"]![0]!;
        var segmentId = segment["id"]!.GetValue<string>();
        var path = $"datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks";
        var model = new JsonObject { ["search_method"] = "full_text_search", ["top_k"] = 5 };

        var list = await client.JsonAsync(HttpMethod.Get, path);
        DatasetClient.AssertKeys(list, "data", "total", "total_pages", "page", "limit");
        Assert.Equal((3, 1), (list["total"]!.GetValue<int>(), list["total_pages"]!.GetValue<int>()));
        Assert.Equal([1, 2, 3], list["data"]!.AsArray().Select(c => c!["position"]!.GetValue<int>()));
        Assert.Single((await client.JsonAsync(HttpMethod.Get, path + "?keyword=mice"))["data"]!.AsArray());

        var added = (await client.JsonAsync(HttpMethod.Post, path, new JsonObject { ["content"] = "Barn owls swallow voles whole." }))["data"]!;
        DatasetClient.AssertKeys(added, "id", "segment_id", "content", "position", "word_count", "type", "created_at", "updated_at");
        Assert.Equal((4, segmentId), (added["position"]!.GetValue<int>(), added["segment_id"]!.GetValue<string>()));
        var addedId = added["id"]!.GetValue<string>();
        var record = (await client.RetrieveAsync(datasetId, "voles", model)).Single()!;
        Assert.Equal(segmentId, record["segment"]!["id"]!.GetValue<string>());
        Assert.Equal(addedId, record["child_chunks"]![0]!["id"]!.GetValue<string>());

        var updated = (await client.JsonAsync(HttpMethod.Patch, $"{path}/{addedId}", new JsonObject { ["content"] = "Barn owls swallow shrews whole." }))["data"]!;
        Assert.Equal(("Barn owls swallow shrews whole.", addedId), (updated["content"]!.GetValue<string>(), updated["id"]!.GetValue<string>()));
        Assert.Empty(await client.RetrieveAsync(datasetId, "voles", model));
        Assert.Single(await client.RetrieveAsync(datasetId, "shrews", model));
        // The untouched children are still found.
        Assert.Single(await client.RetrieveAsync(datasetId, "feathers", model));

        Assert.Equal(204, await client.StatusAsync(HttpMethod.Delete, $"{path}/{addedId}"));
        Assert.Empty(await client.RetrieveAsync(datasetId, "shrews", model));
        Assert.Equal(3, (await client.JsonAsync(HttpMethod.Get, path))["total"]!.GetValue<int>());

        Assert.Equal("Child chunk not found.", (await client.JsonAsync(HttpMethod.Patch, $"{path}/{addedId}", new JsonObject { ["content"] = "x" }, 404))["message"]!.GetValue<string>());
        Assert.Equal(404, await client.StatusAsync(HttpMethod.Delete, $"{path}/{addedId}"));
        Assert.Equal("Segment not found.", (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments/nope/child_chunks", null, 404))["message"]!.GetValue<string>());
        Assert.Equal("invalid_param", (await client.JsonAsync(HttpMethod.Post, path, new JsonObject { ["content"] = " " }, 400))["code"]!.GetValue<string>());

        // A plain (text_model) document has no child chunks.
        var plainDataset = await client.CreateDatasetAsync("Plain");
        var (plain, _) = await client.AddTextAsync(plainDataset, "plain", DocumentFlowTests.Sourdough);
        var plainSegment = (await client.JsonAsync(HttpMethod.Get, $"datasets/{plainDataset}/documents/{plain}/segments"))["data"]![0]!["id"]!.GetValue<string>();
        var refused = await client.JsonAsync(HttpMethod.Post, $"datasets/{plainDataset}/documents/{plain}/segments/{plainSegment}/child_chunks", new JsonObject { ["content"] = "x" }, 400);
        Assert.Contains("parent-child", refused["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
