using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Cloud.Knowledge;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;

namespace Dify.Cloud.Tests;

/// <summary>
/// The Dataset API through <c>AddDifyCloud</c> over real HTTP: Table catalog and keys on Azurite, document sources as
/// blobs in the <c>documents</c> container, chunks in the AI Search test server. Azurite raises no Event Grid events,
/// so each test calls the blob trigger's handler as the trigger would after the upload.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DatasetApiTests(AzuriteFixture azurite)
{
    private const string Manual = """
        Torque settings for the assembly line.

        M8 bolts on the gearbox housing are tightened to 25 newton metres with the blue wrench.
        M10 bolts on the motor mount take 49 newton metres and must be checked after one hour.
        """;

    [Fact]
    public async Task A_text_document_is_stored_as_a_blob_ingested_by_the_trigger_retrieved_listed_and_deleted()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var http = cloud.Http;
        var key = await DatasetKeyAsync(http);
        await CloudHttp.SendAsync(http, HttpMethod.Get, "v1/datasets", "dataset-notarealkey0123456789ab", null, 401);

        var dataset = await CloudHttp.SendAsync(http, HttpMethod.Post, "v1/datasets", key, new JsonObject { ["name"] = "Manuals", ["indexing_technique"] = "high_quality" });
        var datasetId = dataset["id"]!.GetValue<string>();
        var duplicate = await CloudHttp.SendAsync(http, HttpMethod.Post, "v1/datasets", key, new JsonObject { ["name"] = "Manuals" }, 409);
        Assert.Equal("dataset_name_duplicate", duplicate["code"]!.GetValue<string>());

        var created = await CloudHttp.SendAsync(http, HttpMethod.Post, $"v1/datasets/{datasetId}/document/create-by-text", key,
            new JsonObject { ["name"] = "torque", ["text"] = Manual, ["process_rule"] = new JsonObject { ["mode"] = "automatic" } });
        var documentId = created["document"]!["id"]!.GetValue<string>();
        var batch = created["batch"]!.GetValue<string>();
        Assert.Equal("waiting", created["document"]!["indexing_status"]!.GetValue<string>());
        var blob = await cloud.Get<AzureStoreAccount>().Blobs.GetContentAsync("documents", $"{datasetId}/{documentId}.txt");
        Assert.Equal(Manual, blob.ToString());
        Assert.Equal("waiting", (await StatusAsync(http, key, datasetId, batch))["indexing_status"]!.GetValue<string>());

        var outcome = await cloud.Get<DocumentBlobTriggerHandler>().HandleAsync(datasetId, $"{documentId}.txt", CancellationToken.None);

        Assert.Equal(DocumentBlobAction.Ingested, outcome.Action);
        Assert.Equal(documentId, outcome.DocumentId);
        var status = await StatusAsync(http, key, datasetId, batch);
        Assert.Equal("completed", status["indexing_status"]!.GetValue<string>());
        Assert.Equal(outcome.Chunks, status["total_segments"]!.GetValue<int>());
        Assert.Equal(outcome.Chunks, status["completed_segments"]!.GetValue<int>());

        foreach (var method in new[] { "full_text_search", "semantic_search", "hybrid_search" })
        {
            var retrieved = await CloudHttp.SendAsync(http, HttpMethod.Post, $"v1/datasets/{datasetId}/retrieve", key, new JsonObject
            {
                ["query"] = "M8 bolts gearbox housing torque",
                ["retrieval_model"] = new JsonObject { ["search_method"] = method, ["top_k"] = 1, ["reranking_enable"] = false, ["score_threshold_enabled"] = false },
            });
            var records = retrieved["records"]!.AsArray();
            Assert.True(records.Count == 1, $"{method}: {retrieved.ToJsonString()}");
            Assert.Contains("25 newton metres", records[0]!["segment"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(documentId, records[0]!["segment"]!["document"]!["id"]!.GetValue<string>());
        }
        var strict = await CloudHttp.SendAsync(http, HttpMethod.Post, $"v1/datasets/{datasetId}/retrieve", key, new JsonObject
        {
            ["query"] = "M8 bolts gearbox housing torque",
            ["retrieval_model"] = new JsonObject { ["search_method"] = "semantic_search", ["top_k"] = 3, ["score_threshold_enabled"] = true, ["score_threshold"] = 1.01 },
        });
        Assert.Empty(strict["records"]!.AsArray());

        var list = await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}/documents", key, null);
        Assert.Equal(1, list["total"]!.GetValue<int>());
        Assert.Equal("completed", list["data"]![0]!["indexing_status"]!.GetValue<string>());
        Assert.True(list["data"]![0]!["word_count"]!.GetValue<long>() > 0);
        var document = await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/{documentId}", key, null);
        Assert.Equal("torque", document["name"]!.GetValue<string>());
        var shown = await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}", key, null);
        Assert.Equal(1, shown["document_count"]!.GetValue<int>());
        var datasets = await CloudHttp.SendAsync(http, HttpMethod.Get, "v1/datasets", key, null);
        Assert.Contains(datasets["data"]!.AsArray(), d => d!["id"]!.GetValue<string>() == datasetId);

        await CloudHttp.SendAsync(http, HttpMethod.Delete, $"v1/datasets/{datasetId}/documents/{documentId}", key, null, 204);

        Assert.Empty(cloud.Search.Index("knowledge")!.Documents);
        Assert.False(await cloud.Get<AzureStoreAccount>().Blobs.DeleteIfExistsAsync("documents", $"{datasetId}/{documentId}.txt"));
        await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/{documentId}", key, null, 404);
        await CloudHttp.SendAsync(http, HttpMethod.Delete, $"v1/datasets/{datasetId}", key, null, 204);
        await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}", key, null, 404);
    }

    [Fact]
    public async Task An_update_to_another_file_type_replaces_the_blob_and_the_old_blob_leaving_does_not_remove_the_document()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var http = cloud.Http;
        var key = await DatasetKeyAsync(http);
        var datasetId = (await CloudHttp.SendAsync(http, HttpMethod.Post, "v1/datasets", key, new JsonObject { ["name"] = "Files", ["indexing_technique"] = "economy" }))["id"]!.GetValue<string>();
        var handler = cloud.Get<DocumentBlobTriggerHandler>();

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("# Torque\n\n" + Manual));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        form.Add(file, "file", "torque.md");
        form.Add(new StringContent("""{"indexing_technique":"economy","process_rule":{"mode":"automatic"}}"""), "data");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/datasets/{datasetId}/document/create-by-file") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        var documentId = body["document"]!["id"]!.GetValue<string>();
        Assert.Equal(DocumentBlobAction.Ingested, (await handler.HandleAsync(datasetId, $"{documentId}.md", CancellationToken.None)).Action);

        var updated = await CloudHttp.SendAsync(http, HttpMethod.Post, $"v1/datasets/{datasetId}/documents/{documentId}/update-by-text", key,
            new JsonObject { ["text"] = "Hydraulic press maintenance: replace the seals every 500 hours." });
        var batch = updated["batch"]!.GetValue<string>();
        var blobs = cloud.Get<AzureStoreAccount>().Blobs;
        Assert.False(await blobs.DeleteIfExistsAsync("documents", $"{datasetId}/{documentId}.md"));

        // The old blob's removal reaches the handler (as the reconciler would send it) before the new blob's event.
        Assert.Equal(DocumentBlobAction.Removed, (await handler.HandleAsync(datasetId, $"{documentId}.md", CancellationToken.None)).Action);
        await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/{documentId}", key, null);
        Assert.Equal(DocumentBlobAction.Ingested, (await handler.HandleAsync(datasetId, $"{documentId}.txt", CancellationToken.None)).Action);

        Assert.Equal("completed", (await StatusAsync(http, key, datasetId, batch))["indexing_status"]!.GetValue<string>());
        var retrieved = await CloudHttp.SendAsync(http, HttpMethod.Post, $"v1/datasets/{datasetId}/retrieve", key, new JsonObject { ["query"] = "hydraulic seals" });
        Assert.Contains("500 hours", retrieved["records"]![0]!["segment"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var torque = await CloudHttp.SendAsync(http, HttpMethod.Post, $"v1/datasets/{datasetId}/retrieve", key, new JsonObject { ["query"] = "gearbox newton metres" });
        Assert.DoesNotContain(torque["records"]!.AsArray(), r => r!["segment"]!["content"]!.GetValue<string>().Contains("gearbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Any_instance_serves_any_request_keys_datasets_and_document_status_live_in_storage()
    {
        var shared = new Dictionary<string, string?> { ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10] };
        await using var first = await CloudHarness.StartAsync(azurite, shared);
        await using var second = await CloudHarness.StartAsync(azurite, shared);
        var key = await DatasetKeyAsync(first.Http);
        var datasetId = (await CloudHttp.SendAsync(first.Http, HttpMethod.Post, "v1/datasets", key, new JsonObject { ["name"] = "Shared" }))["id"]!.GetValue<string>();
        var created = await CloudHttp.SendAsync(second.Http, HttpMethod.Post, $"v1/datasets/{datasetId}/document/create-by-text", key,
            new JsonObject { ["name"] = "torque", ["text"] = Manual, ["indexing_technique"] = "high_quality" });
        var documentId = created["document"]!["id"]!.GetValue<string>();

        // The trigger runs on the first instance, which has never seen the document; the second reports the outcome.
        var outcome = await first.Get<DocumentBlobTriggerHandler>().HandleAsync(datasetId, $"{documentId}.txt", CancellationToken.None);

        Assert.Equal(DocumentBlobAction.Ingested, outcome.Action);
        var status = await StatusAsync(second.Http, key, datasetId, created["batch"]!.GetValue<string>());
        Assert.Equal("completed", status["indexing_status"]!.GetValue<string>());
        Assert.Equal(outcome.Chunks, status["completed_segments"]!.GetValue<int>());
        Assert.Equal(outcome.Chunks, first.Search.Index("knowledge")!.Documents.Count);
    }

    [Theory]
    [InlineData("POST", "v1/datasets/{d}/documents/{doc}/segments/s1/child_chunks", "child_chunks")]
    [InlineData("GET", "v1/workspaces/current/models/model-types/text-embedding", "/v1/workspaces/current/models/model-types/text-embedding")]
    public async Task Routes_without_a_cloud_store_answer_501_not_supported_naming_the_route(string method, string path, string named)
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var key = await DatasetKeyAsync(cloud.Http);
        var error = await CloudHttp.SendAsync(cloud.Http, new HttpMethod(method), path.Replace("{d}", "ds1", StringComparison.Ordinal).Replace("{doc}", "doc1", StringComparison.Ordinal),
            key, method == "GET" ? null : new JsonObject(), 501);
        Assert.Equal("not_supported", error["code"]!.GetValue<string>());
        Assert.Equal(501, error["status"]!.GetValue<int>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains(named, message, StringComparison.Ordinal);
        Assert.Contains("not supported in the Azure deployment yet", message, StringComparison.Ordinal);
    }

    internal static async Task<string> DatasetKeyAsync(HttpClient http) =>
        (await CloudHttp.SendAsync(http, HttpMethod.Post, "console/api/datasets/api-keys", CloudHarness.AdminKey, null))["token"]!.GetValue<string>();

    internal static async Task<JsonNode> StatusAsync(HttpClient http, string key, string datasetId, string batch) =>
        (await CloudHttp.SendAsync(http, HttpMethod.Get, $"v1/datasets/{datasetId}/documents/{batch}/indexing-status", key, null))["data"]![0]!;
}
