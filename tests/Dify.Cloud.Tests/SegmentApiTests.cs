using System.Text.Json.Nodes;
using Dify.Cloud.Knowledge;
using Dify.Knowledge.AzureSearch.Tests.Server;
using Dify.Storage.Tests.Azurite;

namespace Dify.Cloud.Tests;

/// <summary>
/// The Dataset API's segment and document-status routes in Azure over real HTTP: two instances of the cloud composition
/// share Azurite (same table prefix) and one AI Search server, as a scaled-out Functions app does; one edits, the other
/// reads. The blob trigger is called as Event Grid would after each upload.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SegmentApiTests(AzuriteFixture azurite)
{
    private const string Manual = "Gearbox housing bolts are tightened to 25 newton metres.\n\n"
        + "Motor mount bolts take 49 newton metres and are checked after one hour.\n\n"
        + "Hydraulic seals are replaced every 500 hours of operation.";

    private static readonly JsonObject ParagraphRule = new()
    {
        ["mode"] = "custom",
        ["rules"] = new JsonObject
        {
            ["pre_processing_rules"] = new JsonArray(),
            ["segmentation"] = new JsonObject { ["separator"] = "\n\n", ["max_tokens"] = 60 },
        },
    };

    [Fact]
    public async Task Segments_added_updated_disabled_and_deleted_on_one_instance_are_what_the_other_lists_and_retrieves()
    {
        await using var search = await SearchServer.StartAsync();
        var shared = new Dictionary<string, string?> { ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        await using var editor = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        await using var reader = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        var (key, datasetId, documentId, count) = await IngestedDocumentAsync(editor, reader);
        var segments = $"v1/datasets/{datasetId}/documents/{documentId}/segments";

        var listed = await Send(reader, HttpMethod.Get, segments, key);
        Assert.True(count >= 3, $"{count} segments");
        Assert.Equal(count, listed["total"]!.GetValue<int>());
        Assert.Equal("text_model", listed["doc_form"]!.GetValue<string>());
        var items = listed["data"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, count), items.Select(i => i!["position"]!.GetValue<int>()));
        Assert.Contains("Gearbox", items[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("completed", items[0]!["status"]!.GetValue<string>());
        Assert.True(items[0]!["enabled"]!.GetValue<bool>());
        var page = await Send(reader, HttpMethod.Get, segments + $"?page=2&limit={count - 1}", key);
        Assert.Single(page["data"]!.AsArray());
        Assert.Equal(count, page["data"]![0]!["position"]!.GetValue<int>());
        Assert.False(page["has_more"]!.GetValue<bool>());
        var hydraulic = await Send(reader, HttpMethod.Get, segments + "?keyword=HYDRAULIC", key);
        Assert.Equal(1, hydraulic["total"]!.GetValue<int>());
        Assert.Contains("Hydraulic seals", hydraulic["data"]![0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);

        // Add on one instance: embedded there, written to the shared index, read and retrieved on the other.
        var embeddingsBefore = editor.Models.EmbeddingRequestCount;
        var added = await Send(editor, HttpMethod.Post, segments, key, new JsonObject
        {
            ["segments"] = new JsonArray(new JsonObject { ["content"] = "Coolant pumps are flushed with distilled water monthly.", ["answer"] = "monthly", ["keywords"] = new JsonArray("coolant", "pump") }),
        });
        Assert.True(editor.Models.EmbeddingRequestCount > embeddingsBefore);
        var segment = added["data"]![0]!;
        var segmentId = segment["id"]!.GetValue<string>();
        Assert.Equal(count + 1, segment["position"]!.GetValue<int>());
        Assert.Equal("monthly", segment["answer"]!.GetValue<string>());
        var read = (await Send(reader, HttpMethod.Get, $"{segments}/{segmentId}", key))["data"]!;
        Assert.Equal("Coolant pumps are flushed with distilled water monthly.", read["content"]!.GetValue<string>());
        Assert.Equal(["coolant", "pump"], read["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
        var coolant = await RetrieveAsync(reader, key, datasetId, "coolant pumps distilled water", "semantic_search");
        Assert.Equal(segmentId, coolant[0]!["segment"]!["id"]!.GetValue<string>());
        Assert.Equal("monthly", coolant[0]!["segment"]!["answer"]!.GetValue<string>());

        // Keywords only: merged in place, nothing re-embedded.
        embeddingsBefore = editor.Models.EmbeddingRequestCount;
        var keywords = await Send(editor, HttpMethod.Post, $"{segments}/{segmentId}", key,
            new JsonObject { ["segment"] = new JsonObject { ["keywords"] = new JsonArray("coolant") } });
        Assert.Equal(["coolant"], keywords["data"]!["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal(embeddingsBefore, editor.Models.EmbeddingRequestCount);
        Assert.Equal("monthly", (await Send(reader, HttpMethod.Get, $"{segments}/{segmentId}", key))["data"]!["answer"]!.GetValue<string>());

        // New content: re-embedded; retrieval finds the new text, not the old.
        var content = await Send(editor, HttpMethod.Post, $"{segments}/{segmentId}", key,
            new JsonObject { ["segment"] = new JsonObject { ["content"] = "Air filters on the compressor are swapped every quarter." } });
        Assert.True(editor.Models.EmbeddingRequestCount > embeddingsBefore);
        Assert.Equal(["coolant"], content["data"]!["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
        var filters = await RetrieveAsync(reader, key, datasetId, "compressor air filters quarter", "full_text_search");
        Assert.Equal(segmentId, filters[0]!["segment"]!["id"]!.GetValue<string>());
        Assert.DoesNotContain(await RetrieveAsync(reader, key, datasetId, "coolant distilled", "full_text_search"), r => r!["segment"]!["id"]!.GetValue<string>() == segmentId);

        // Disabled: listed as disabled, gone from retrieval at once; enabled again: back.
        await Send(editor, HttpMethod.Post, $"{segments}/{segmentId}", key, new JsonObject { ["segment"] = new JsonObject { ["enabled"] = false } });
        Assert.False((await Send(reader, HttpMethod.Get, $"{segments}/{segmentId}", key))["data"]!["enabled"]!.GetValue<bool>());
        Assert.DoesNotContain(await RetrieveAsync(reader, key, datasetId, "compressor air filters quarter", "full_text_search"), r => r!["segment"]!["id"]!.GetValue<string>() == segmentId);
        await Send(editor, HttpMethod.Post, $"{segments}/{segmentId}", key, new JsonObject { ["segment"] = new JsonObject { ["enabled"] = true } });
        Assert.Equal(segmentId, (await RetrieveAsync(reader, key, datasetId, "compressor air filters quarter", "full_text_search"))[0]!["segment"]!["id"]!.GetValue<string>());

        // Deleted on one instance: 404 on the other, and out of the index.
        await Send(editor, HttpMethod.Delete, $"{segments}/{segmentId}", key, expected: 204);
        var missing = await Send(reader, HttpMethod.Get, $"{segments}/{segmentId}", key, expected: 404);
        Assert.Equal("not_found", missing["code"]!.GetValue<string>());
        await Send(reader, HttpMethod.Delete, $"{segments}/{segmentId}", key, expected: 404);
        Assert.Equal(count, (await Send(reader, HttpMethod.Get, segments, key))["total"]!.GetValue<int>());
        Assert.DoesNotContain(search.Index("knowledge")!.Documents.Values, d => d["segment_id"]?.GetValue<string>() == segmentId);

        await Send(reader, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/no-such-doc/segments", key, expected: 404);
        var empty = await Send(editor, HttpMethod.Post, segments, key, new JsonObject { ["segments"] = new JsonArray(new JsonObject { ["content"] = " " }) }, 400);
        Assert.Equal("invalid_param", empty["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reuploading_a_document_replaces_its_segments_and_a_disabled_document_leaves_retrieval_until_enabled()
    {
        await using var search = await SearchServer.StartAsync();
        var shared = new Dictionary<string, string?> { ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        await using var editor = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        await using var reader = await CloudHarness.StartAsync(azurite, shared, sharedSearch: search);
        var (key, datasetId, documentId, count) = await IngestedDocumentAsync(editor, reader);
        var segments = $"v1/datasets/{datasetId}/documents/{documentId}/segments";
        await Send(editor, HttpMethod.Post, segments, key,
            new JsonObject { ["segments"] = new JsonArray(new JsonObject { ["content"] = "Coolant pumps are flushed with distilled water monthly." }) });
        Assert.Equal(count + 1, (await Send(reader, HttpMethod.Get, segments, key))["total"]!.GetValue<int>());

        var status = $"v1/datasets/{datasetId}/documents/status";
        await Send(editor, HttpMethod.Patch, $"{status}/disable", key, new JsonObject { ["document_ids"] = new JsonArray(documentId) });
        Assert.False((await Send(reader, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/{documentId}", key))["enabled"]!.GetValue<bool>());
        Assert.Empty(await RetrieveAsync(reader, key, datasetId, "hydraulic seals hours", "full_text_search"));
        Assert.Empty(await RetrieveAsync(reader, key, datasetId, "coolant pumps", "semantic_search"));
        Assert.Equal(count + 1, (await Send(reader, HttpMethod.Get, segments, key))["total"]!.GetValue<int>()); // kept, only switched off

        await Send(editor, HttpMethod.Patch, $"{status}/enable", key, new JsonObject { ["document_ids"] = new JsonArray(documentId) });
        Assert.NotEmpty(await RetrieveAsync(reader, key, datasetId, "coolant pumps", "full_text_search"));
        await Send(reader, HttpMethod.Patch, $"{status}/archive", key, new JsonObject { ["document_ids"] = new JsonArray(documentId, "unknown-doc") });
        Assert.Empty(await RetrieveAsync(editor, key, datasetId, "hydraulic seals hours", "full_text_search"));
        await Send(reader, HttpMethod.Patch, $"{status}/un_archive", key, new JsonObject { ["document_ids"] = new JsonArray(documentId) });
        Assert.NotEmpty(await RetrieveAsync(editor, key, datasetId, "hydraulic seals hours", "full_text_search"));
        var bad = await Send(editor, HttpMethod.Patch, $"{status}/shred", key, new JsonObject { ["document_ids"] = new JsonArray(documentId) }, 400);
        Assert.Equal("invalid_action", bad["code"]!.GetValue<string>());

        // Re-uploading replaces the segments: the added one is gone, the new text is there.
        await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/documents/{documentId}/update-by-text", key,
            new JsonObject { ["name"] = "manual", ["text"] = "Conveyor belts are tensioned weekly.\n\nChain guards are inspected daily.", ["process_rule"] = ParagraphRule.DeepClone() });
        Assert.Equal(DocumentBlobAction.Ingested, (await reader.Get<DocumentBlobTriggerHandler>().HandleAsync(datasetId, $"{documentId}.txt", CancellationToken.None)).Action);
        var replaced = (await Send(editor, HttpMethod.Get, segments, key))["data"]!.AsArray();
        Assert.NotEmpty(replaced);
        Assert.Contains(replaced, s => s!["content"]!.GetValue<string>().Contains("Conveyor belts", StringComparison.Ordinal));
        Assert.DoesNotContain(replaced, s => s!["content"]!.GetValue<string>().Contains("Coolant", StringComparison.Ordinal));
        Assert.Empty(await RetrieveAsync(editor, key, datasetId, "coolant pumps distilled", "full_text_search"));
    }

    /// <summary>A high-quality dataset with one three-paragraph document, created on <paramref name="editor"/> and ingested by <paramref name="reader"/>'s trigger.</summary>
    internal static async Task<(string Key, string DatasetId, string DocumentId, int Segments)> IngestedDocumentAsync(CloudHarness editor, CloudHarness reader)
    {
        // Embedded by the OpenAI-compatible server (at the index's width), so each instance's embedding calls can be counted.
        editor.Models.EmbeddingDimensions = reader.Models.EmbeddingDimensions = 384;
        var key = await DatasetApiTests.DatasetKeyAsync(editor.Http);
        var datasetId = (await Send(editor, HttpMethod.Post, "v1/datasets", key, new JsonObject
        {
            ["name"] = "Maintenance", ["indexing_technique"] = "high_quality",
            ["embedding_model_provider"] = "openai", ["embedding_model"] = "text-embedding-3-small",
        }))["id"]!.GetValue<string>();
        Assert.Equal(0, editor.Models.EmbeddingRequestCount);
        var created = await Send(editor, HttpMethod.Post, $"v1/datasets/{datasetId}/document/create-by-text", key,
            new JsonObject { ["name"] = "manual", ["text"] = Manual, ["indexing_technique"] = "high_quality", ["process_rule"] = ParagraphRule.DeepClone() });
        var documentId = created["document"]!["id"]!.GetValue<string>();
        var outcome = await reader.Get<DocumentBlobTriggerHandler>().HandleAsync(datasetId, $"{documentId}.txt", CancellationToken.None);
        Assert.Equal(DocumentBlobAction.Ingested, outcome.Action);
        Assert.True(reader.Models.EmbeddingRequestCount > 0);
        return (key, datasetId, documentId, outcome.Chunks);
    }

    private static async Task<JsonArray> RetrieveAsync(CloudHarness cloud, string key, string datasetId, string query, string method) =>
        (await Send(cloud, HttpMethod.Post, $"v1/datasets/{datasetId}/retrieve", key, new JsonObject
        {
            ["query"] = query,
            ["retrieval_model"] = new JsonObject { ["search_method"] = method, ["top_k"] = 4, ["reranking_enable"] = false, ["score_threshold_enabled"] = false },
        }))["records"]!.AsArray();

    private static Task<JsonNode> Send(CloudHarness cloud, HttpMethod method, string path, string key, JsonNode? body = null, int? expected = null) =>
        CloudHttp.SendAsync(cloud.Http, method, path, key, body, expected);
}
