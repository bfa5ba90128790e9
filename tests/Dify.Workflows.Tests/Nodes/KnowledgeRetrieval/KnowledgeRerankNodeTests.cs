using System.Text.Json.Nodes;
using Dify.Models.Configuration;
using Dify.Models.Rerank;
using Dify.Testing.Rerank;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.KnowledgeRetrieval;
using Microsoft.Extensions.Logging.Abstractions;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.KnowledgeRetrieval;

/// <summary>Multiple retrieval with reranking_model: the merged candidates of every dataset go to a real /rerank server.</summary>
public sealed class KnowledgeRerankNodeTests
{
    private static InMemoryKnowledgeIndex Index()
    {
        var index = new InMemoryKnowledgeIndex();
        index.AddDataset("pets", "Pets", null, new DatasetRetrievalSettings(SearchMethod.FullText));
        index.AddDataset("cooking", "Cooking", null, new DatasetRetrievalSettings(SearchMethod.FullText));
        index.AddDocument("pets", "cats", "cats.md", ["Cats purr when they are content.", "A cat sleeps sixteen hours and rarely purrs at night."]);
        index.AddDocument("cooking", "bread", "bread.md", ["Bread dough rises when yeast ferments sugar.", "Knead the dough until it purrs with elasticity."]);
        return index;
    }

    private static JsonObject Data(int topK, double? threshold, string provider = "jina") => new()
    {
        ["query_variable_selector"] = new JsonArray("start", "q"),
        ["dataset_ids"] = new JsonArray("pets", "cooking"),
        ["retrieval_mode"] = "multiple",
        ["multiple_retrieval_config"] = new JsonObject
        {
            ["top_k"] = topK, ["score_threshold"] = threshold, ["reranking_enable"] = true, ["reranking_mode"] = "reranking_model",
            ["reranking_model"] = new JsonObject { ["provider"] = $"langgenius/{provider}/{provider}", ["model"] = "jina-reranker-v2-base-multilingual" },
        },
    };

    private static HttpRerankModel Rerank(RerankServer server, HttpClient http) => new(new ModelsOptions
    {
        Providers = { ["jina"] = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = "jina-key" } },
        MaxRetries = 0,
    }, http, NullLogger<HttpRerankModel>.Instance);

    [Fact]
    public async Task Merged_results_of_all_datasets_are_reordered_by_the_rerank_model()
    {
        await using var server = await RerankServer.StartAsync();
        server.ExpectedApiKey = "jina-key";
        // The "model" prefers dough: retrieval order (purr matches first) must not survive.
        server.Scorer = (_, doc) => doc.Contains("dough", StringComparison.Ordinal) ? (doc.Contains("Knead", StringComparison.Ordinal) ? 0.9 : 0.8) : 0.2;
        using var http = new HttpClient();
        var index = Index();

        var result = await RunAsync(new KnowledgeRetrievalNode(index, null!, Rerank(server, http)), Data(topK: 3, threshold: 0.5), Pool(("start", "q", "purr dough")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var items = result.Outputs["result"]!.AsArray();
        Assert.Equal(["Knead the dough until it purrs with elasticity.", "Bread dough rises when yeast ferments sugar."],
            items.Select(i => i!["content"]!.GetValue<string>()));
        Assert.Equal([0.9, 0.8], items.Select(i => i!["metadata"]!["score"]!.GetValue<double>()));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("jina-reranker-v2-base-multilingual", "purr dough", 3), (request.Model, request.Query, request.TopN));
        // Candidates of both datasets went to the model in one call.
        Assert.Contains(request.Documents, d => d.StartsWith("Cats purr", StringComparison.Ordinal));
        Assert.Contains(request.Documents, d => d.StartsWith("Bread dough", StringComparison.Ordinal));
        Assert.Null(result.ProcessData!["notes"]);
    }

    [Fact]
    public async Task Unconfigured_rerank_provider_fails_the_node_naming_the_model()
    {
        await using var server = await RerankServer.StartAsync();
        using var http = new HttpClient();

        var result = await RunAsync(new KnowledgeRetrievalNode(Index(), null!, Rerank(server, http)), Data(topK: 3, threshold: null, provider: "cohere"), Pool(("start", "q", "purr")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Contains("Model jina-reranker-v2-base-multilingual credentials is not initialized", result.Error, StringComparison.Ordinal);
        Assert.Contains("Models:Providers:cohere:Endpoint", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    private static JsonObject Single() => new()
    {
        ["query_variable_selector"] = new JsonArray("start", "q"),
        ["dataset_ids"] = new JsonArray("cooking"),
        ["retrieval_mode"] = "single",
        ["single_retrieval_config"] = new JsonObject { ["model"] = new JsonObject { ["provider"] = "openai", ["name"] = "gpt-4o-mini", ["mode"] = "chat" } },
    };

    private static InMemoryKnowledgeIndex RerankingCooking(int topK, double? threshold)
    {
        var index = new InMemoryKnowledgeIndex();
        index.AddDataset("cooking", "Cooking", null, new DatasetRetrievalSettings(SearchMethod.FullText, topK, threshold,
            Reranking: new DatasetReranking(true, DatasetReranking.RerankingModelMode, "jina", "jina-reranker-v2-base-multilingual")));
        index.AddDocument("cooking", "bread", "bread.md", ["Bread dough rises when yeast ferments sugar.", "Knead the dough until it purrs with elasticity.", "Dough rests overnight."]);
        return index;
    }

    [Fact]
    public async Task Single_mode_reranks_with_the_datasets_own_rerank_model_top_k_and_threshold()
    {
        await using var server = await RerankServer.StartAsync();
        server.Scorer = (_, doc) => doc.Contains("Knead", StringComparison.Ordinal) ? 0.9 : doc.Contains("yeast", StringComparison.Ordinal) ? 0.6 : 0.1;
        using var http = new HttpClient();

        var result = await RunAsync(new KnowledgeRetrievalNode(RerankingCooking(3, 0.5), null!, Rerank(server, http)), Single(), Pool(("start", "q", "dough")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal([0.9, 0.6], result.Outputs["result"]!.AsArray().Select(i => i!["metadata"]!["score"]!.GetValue<double>()));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("jina-reranker-v2-base-multilingual", 3), (request.Model, request.Documents.Count)); // the dataset's top_k candidates

        // top_k 1: one candidate is reranked and at most one remains.
        var one = await RunAsync(new KnowledgeRetrievalNode(RerankingCooking(1, null), null!, Rerank(server, http)), Single(), Pool(("start", "q", "dough")));
        Assert.Single(one.Outputs["result"]!.AsArray());
        Assert.Single(server.Requests[1].Documents);
    }

    [Fact]
    public async Task Single_mode_without_a_rerank_model_in_the_host_keeps_retrieval_order_and_says_so()
    {
        var result = await RunAsync(new KnowledgeRetrievalNode(RerankingCooking(2, null), null!), Single(), Pool(("start", "q", "dough")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(2, result.Outputs["result"]!.AsArray().Count);
        Assert.Contains("jina/jina-reranker-v2-base-multilingual is not available", result.ProcessData!["notes"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
