using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;
using Dify.Testing.Rerank;

namespace Dify.Api.Tests.Datasets;

/// <summary>retrieve with a rerank model (a real local /rerank server), and segment answer, keywords and hit_count over HTTP.</summary>
public sealed class RerankAndSegmentFieldTests
{
    private static JsonObject Reranked(string provider, int topK, double? threshold) => new()
    {
        ["search_method"] = "hybrid_search",
        ["top_k"] = topK,
        ["score_threshold_enabled"] = threshold is not null,
        ["score_threshold"] = threshold,
        ["reranking_enable"] = true,
        ["reranking_mode"] = "reranking_model",
        ["reranking_model"] = new JsonObject { ["reranking_provider_name"] = provider, ["reranking_model_name"] = "jina-reranker-v2-base-multilingual" },
    };

    [Fact]
    public async Task A_rerank_model_reorders_retrieve_results_and_its_threshold_applies_to_rerank_scores()
    {
        await using var rerank = await RerankServer.StartAsync();
        rerank.ExpectedApiKey = "jina-secret";
        rerank.Scorer = (_, doc) => doc.Contains("yeast", StringComparison.Ordinal) ? 0.95 : doc.Contains("borrow", StringComparison.Ordinal) ? 0.4 : 0.1;
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?>
        {
            ["Models:Providers:jina:Endpoint"] = rerank.Endpoint,
            ["Models:Providers:jina:ApiKey"] = "jina-secret",
            ["Models:MaxRetries"] = "0",
        });
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Rerank");
        var (documentId, _) = await client.AddTextAsync(datasetId, "notes", DocumentFlowTests.Text, DocumentFlowTests.ParagraphRule());

        // Without reranking the question about plants finds photosynthesis first.
        Assert.StartsWith("Photosynthesis", (await client.RetrieveAsync(datasetId, "plants sunlight glucose", new JsonObject { ["top_k"] = 3 }))[0]!["segment"]!["content"]!.GetValue<string>());

        var records = await client.RetrieveAsync(datasetId, "plants sunlight glucose", Reranked("langgenius/jina/jina", 3, null));
        Assert.Equal([0.95, 0.4, 0.1], records.Select(r => r!["score"]!.GetValue<double>()));
        Assert.StartsWith("Sourdough", records[0]!["segment"]!["content"]!.GetValue<string>());
        var request = Assert.Single(rerank.Requests);
        Assert.Equal(("plants sunlight glucose", 3, 3), (request.Query, request.TopN, request.Documents.Count));

        var above = await client.RetrieveAsync(datasetId, "plants sunlight glucose", Reranked("jina", 3, 0.3));
        Assert.Equal([0.95, 0.4], above.Select(r => r!["score"]!.GetValue<double>()));

        // A dataset whose own retrieval_model reranks applies it when the request names none.
        var reranking = await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "Reranking", ["retrieval_model"] = Reranked("jina", 3, null) });
        var rerankingId = reranking["id"]!.GetValue<string>();
        await client.AddTextAsync(rerankingId, "notes", DocumentFlowTests.Text, DocumentFlowTests.ParagraphRule());
        Assert.StartsWith("Sourdough", (await client.RetrieveAsync(rerankingId, "plants sunlight glucose"))[0]!["segment"]!["content"]!.GetValue<string>());
        Assert.Equal(3, rerank.Requests.Count);

        var missing = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/retrieve",
            new JsonObject { ["query"] = "bread", ["retrieval_model"] = Reranked("cohere", 3, null) }, 400);
        Assert.Equal("provider_not_initialize", missing["code"]!.GetValue<string>());
        Assert.Contains("jina-reranker-v2-base-multilingual", missing["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // hit_count counts every segment a retrieval returned: the sourdough segment was returned by all four calls above.
        var segments = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments"))["data"]!.AsArray();
        var sourdough = segments.Single(s => s!["content"]!.GetValue<string>().StartsWith("Sourdough", StringComparison.Ordinal))!;
        Assert.Equal(3, sourdough["hit_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Answers_and_keywords_are_stored_returned_and_updated()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("QA");
        var (documentId, _) = await client.AddTextAsync(datasetId, "faq", DocumentFlowTests.Photosynthesis);
        var path = $"datasets/{datasetId}/documents/{documentId}/segments";

        var added = await client.JsonAsync(HttpMethod.Post, path, new JsonObject
        {
            ["segments"] = new JsonArray(new JsonObject { ["content"] = "What torque for M8 bolts?", ["answer"] = "25 Nm", ["keywords"] = new JsonArray("torque", "M8") }),
        });
        var segment = added["data"]![0]!;
        Assert.Equal(("25 Nm", "torque,M8", 0), (segment["answer"]!.GetValue<string>(),
            string.Join(',', segment["keywords"]!.AsArray().Select(k => k!.GetValue<string>())), segment["hit_count"]!.GetValue<int>()));
        var segmentId = segment["id"]!.GetValue<string>();

        var updated = await client.JsonAsync(HttpMethod.Post, $"{path}/{segmentId}", new JsonObject { ["segment"] = new JsonObject { ["answer"] = "27 Nm", ["keywords"] = new JsonArray("bolt") } });
        Assert.Equal(("27 Nm", "What torque for M8 bolts?"), (updated["data"]!["answer"]!.GetValue<string>(), updated["data"]!["content"]!.GetValue<string>()));
        var got = await client.JsonAsync(HttpMethod.Get, $"{path}/{segmentId}");
        Assert.Equal(["bolt"], got["data"]!["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal("27 Nm", got["data"]!["answer"]!.GetValue<string>());

        // Retrieve records carry the stored answer, keywords and the hit count (this retrieval included).
        var found = (await client.RetrieveAsync(datasetId, "torque M8 bolts", new JsonObject { ["search_method"] = "full_text_search", ["top_k"] = 1 })).Single()!["segment"]!;
        Assert.Equal((segmentId, "27 Nm", 1), (found["id"]!.GetValue<string>(), found["answer"]!.GetValue<string>(), found["hit_count"]!.GetValue<int>()));
        Assert.Equal(["bolt"], found["keywords"]!.AsArray().Select(k => k!.GetValue<string>()));

        var bad = await client.JsonAsync(HttpMethod.Post, path, new JsonObject { ["segments"] = new JsonArray(new JsonObject { ["content"] = "x", ["keywords"] = "torque" }) }, 400);
        Assert.Contains("segments[0].keywords", bad["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
