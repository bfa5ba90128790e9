using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;
using Dify.Testing;
using Dify.Testing.Rerank;

namespace Dify.Api.Tests.Datasets;

/// <summary>
/// A dataset's retrieval_model over a real host: every field Dify returns round-trips through create, PATCH and a
/// restart; its rerank model (a real local /rerank server) applies to retrieve without a retrieval_model and to a
/// knowledge-retrieval node in single mode, with Dify's threshold and top_k and its provider_not_initialize error.
/// </summary>
public sealed class DatasetRetrievalSettingsTests
{
    private const string RerankModel = "jina-reranker-v2-base-multilingual";

    private static JsonObject FullModel() => new()
    {
        ["search_method"] = "hybrid_search",
        ["reranking_enable"] = true,
        ["reranking_mode"] = "reranking_model",
        ["reranking_model"] = new JsonObject { ["reranking_provider_name"] = "langgenius/jina/jina", ["reranking_model_name"] = RerankModel },
        ["weights"] = new JsonObject
        {
            ["weight_type"] = "customized",
            ["vector_setting"] = new JsonObject { ["vector_weight"] = 0.6, ["embedding_provider_name"] = "embedded", ["embedding_model_name"] = "hashing-384" },
            ["keyword_setting"] = new JsonObject { ["keyword_weight"] = 0.4 },
        },
        ["top_k"] = 5,
        ["score_threshold_enabled"] = false,
        ["score_threshold"] = 0.25,
    };

    [Fact]
    public async Task Every_retrieval_model_field_round_trips_through_create_patch_and_a_restart()
    {
        using var data = new TempDirectory("dify-retrieval-model");
        string key, datasetId;
        var patched = FullModel();
        patched["search_method"] = "semantic_search";
        patched["reranking_enable"] = false;
        patched["reranking_mode"] = null;
        patched["reranking_model"] = new JsonObject { ["reranking_provider_name"] = "", ["reranking_model_name"] = "" };
        patched["weights"] = null;
        patched["top_k"] = 3;
        patched["score_threshold_enabled"] = true;
        patched["score_threshold"] = 0.5;
        await using (var api = await ApiHost.StartAsync(null, data.Path))
        {
            var client = await DatasetClient.CreateAsync(api);
            key = client.Key;
            var created = await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "Settings", ["retrieval_model"] = FullModel() });
            datasetId = created["id"]!.GetValue<string>();
            AssertSame(FullModel(), created["retrieval_model_dict"]);
            AssertSame(FullModel(), (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}"))["retrieval_model_dict"]);

            AssertSame(patched, (await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}", new JsonObject { ["retrieval_model"] = patched.DeepClone() }))["retrieval_model_dict"]);
            // A partial retrieval_model changes only what it names.
            var partial = await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}", new JsonObject { ["retrieval_model"] = new JsonObject { ["top_k"] = 7 } });
            patched["top_k"] = 7;
            AssertSame(patched, partial["retrieval_model_dict"]);

            var bad = await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}", new JsonObject { ["retrieval_model"] = new JsonObject { ["reranking_mode"] = "best" } }, 400);
            Assert.Equal("invalid_param", bad["code"]!.GetValue<string>());
        }
        await using (var api = await ApiHost.StartAsync(null, data.Path))
        {
            var client = new DatasetClient(api, key);
            // Stored with the dataset, not echoed from the request: the restarted host shows the same settings.
            AssertSame(patched, (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}"))["retrieval_model_dict"]);
            var listed = (await client.JsonAsync(HttpMethod.Get, "datasets"))["data"]!.AsArray().Single(d => d!["id"]!.GetValue<string>() == datasetId)!;
            AssertSame(patched, listed["retrieval_model_dict"]);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task The_stored_rerank_model_reranks_single_mode_retrieval_and_retrieve()
    {
        await using var rerank = await RerankServer.StartAsync();
        rerank.Scorer = (_, doc) => doc.Contains("yeast", StringComparison.Ordinal) ? 0.95 : doc.Contains("borrow", StringComparison.Ordinal) ? 0.4 : 0.1;
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?>
        {
            ["Models:Providers:jina:Endpoint"] = rerank.Endpoint,
            ["Models:MaxRetries"] = "0",
        });
        var client = await DatasetClient.CreateAsync(api);
        var model = FullModel();
        model["top_k"] = 3;
        var datasetId = (await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "Reranked", ["retrieval_model"] = model }))["id"]!.GetValue<string>();
        await client.AddTextAsync(datasetId, "notes", DocumentFlowTests.Text, DocumentFlowTests.ParagraphRule());
        var (_, appKey) = await ImportSingleModeAppAsync(api, datasetId);

        // The node searches the dataset with its own settings, then its rerank model orders the candidates.
        var result = await RunAsync(api, appKey, "plants sunlight glucose");
        Assert.Equal("succeeded", result["status"]!.GetValue<string>());
        var items = result["outputs"]!["result"]!.AsArray();
        Assert.Equal([0.95, 0.4, 0.1], items.Select(i => i!["metadata"]!["score"]!.GetValue<double>()));
        Assert.StartsWith("Sourdough", items[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var request = Assert.Single(rerank.Requests);
        Assert.Equal((RerankModel, "plants sunlight glucose", 3), (request.Model, request.Query, request.Documents.Count));

        // retrieve without a retrieval_model applies the same stored settings.
        var records = await client.RetrieveAsync(datasetId, "plants sunlight glucose");
        Assert.Equal([0.95, 0.4, 0.1], records.Select(r => r!["score"]!.GetValue<double>()));
        Assert.Equal(2, rerank.Requests.Count);

        // The stored threshold applies to the rerank scores; top_k bounds what remains.
        model["score_threshold_enabled"] = true;
        model["score_threshold"] = 0.3;
        await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}", new JsonObject { ["retrieval_model"] = model.DeepClone() });
        Assert.Equal([0.95, 0.4], (await RunAsync(api, appKey, "plants sunlight glucose"))["outputs"]!["result"]!.AsArray().Select(i => i!["metadata"]!["score"]!.GetValue<double>()));
        Assert.Equal([0.95, 0.4], (await client.RetrieveAsync(datasetId, "plants sunlight glucose")).Select(r => r!["score"]!.GetValue<double>()));

        // Reranking off: retrieval order and scores, no rerank call.
        var calls = rerank.Requests.Count;
        await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}", new JsonObject
        {
            ["retrieval_model"] = new JsonObject { ["reranking_enable"] = false, ["score_threshold_enabled"] = false },
        });
        var plain = (await RunAsync(api, appKey, "plants sunlight glucose"))["outputs"]!["result"]!.AsArray();
        Assert.StartsWith("Photosynthesis", plain[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(calls, rerank.Requests.Count);

        // A rerank provider that is not configured: retrieve answers provider_not_initialize, the node fails naming the model.
        var unconfigured = FullModel();
        unconfigured["reranking_model"] = new JsonObject { ["reranking_provider_name"] = "cohere", ["reranking_model_name"] = "rerank-english-v3.0" };
        await client.JsonAsync(HttpMethod.Patch, $"datasets/{datasetId}", new JsonObject { ["retrieval_model"] = unconfigured });
        var missing = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/retrieve", new JsonObject { ["query"] = "bread" }, 400);
        Assert.Equal("provider_not_initialize", missing["code"]!.GetValue<string>());
        Assert.Contains("rerank-english-v3.0", missing["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var failed = await RunAsync(api, appKey, "bread");
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("Model rerank-english-v3.0 credentials is not initialized", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static void AssertSame(JsonNode expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual?.ToJsonString()}");

    private static async Task<(string AppId, string Key)> ImportSingleModeAppAsync(ApiHost api, string datasetId)
    {
        var yaml = $$$"""
            version: 0.3.0
            kind: app
            app: {mode: workflow, name: single-mode, description: Single-mode knowledge retrieval}
            workflow:
              conversation_variables: []
              environment_variables: []
              graph:
                nodes:
                - id: start
                  data:
                    type: start
                    title: Start
                    variables:
                    - {variable: q, label: Question, type: text-input, required: true}
                - id: kr
                  data:
                    type: knowledge-retrieval
                    title: Knowledge
                    query_variable_selector: [start, q]
                    dataset_ids: ['{{{datasetId}}}']
                    retrieval_mode: single
                    single_retrieval_config:
                      model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}
                - id: end
                  data:
                    type: end
                    title: End
                    outputs:
                    - {variable: result, value_selector: [kr, result]}
                edges:
                - {source: start, target: kr}
                - {source: kr, target: end}
            """;
        using var import = await api.Admin(HttpMethod.Post, "console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = yaml });
        var imported = await ApiHost.JsonAsync(import);
        Assert.True(import.IsSuccessStatusCode, imported.ToJsonString());
        var appId = imported["app_id"]!.GetValue<string>();
        using var key = await api.Admin(HttpMethod.Post, $"console/api/apps/{appId}/api-keys");
        return (appId, (await ApiHost.JsonAsync(key))["token"]!.GetValue<string>());
    }

    private static async Task<JsonNode> RunAsync(ApiHost api, string key, string query) =>
        (await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject { ["q"] = query },
            ["user"] = "alice",
        }))["data"]!;
}
