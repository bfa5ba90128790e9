using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.KnowledgeRetrieval;
using Dify.Workflows.Nodes.Llm;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.KnowledgeRetrieval;

public sealed class KnowledgeRetrievalNodeTests
{
    /// <summary>Two datasets: pets (full text) and cooking (full text), with metadata on documents.</summary>
    private static InMemoryKnowledgeIndex Index(Dify.Models.Embeddings.IEmbeddingModel? embeddings = null, SearchMethod method = SearchMethod.FullText)
    {
        var index = new InMemoryKnowledgeIndex(embeddings);
        index.AddDataset("pets", "Pets", "Care of cats and dogs", new DatasetRetrievalSettings(method, TopK: 2));
        index.AddDataset("cooking", "Cooking", "Recipes and kitchen techniques", new DatasetRetrievalSettings(method, TopK: 3));
        index.AddDataset("empty", "Empty");
        index.AddDocument("pets", "cats", "cats.md",
            ["Cats purr when they are content and sometimes when stressed.", "A cat sleeps up to sixteen hours a day.", "Cats groom their fur with rough tongues."],
            new JsonObject { ["animal"] = "cat", ["year"] = 2021, ["published"] = 1700000000 });
        index.AddDocument("pets", "dogs", "dogs.md",
            ["Dogs wag their tails when happy.", "A dog needs a daily walk; some dogs also purr-like grumble."],
            new JsonObject { ["animal"] = "dog", ["year"] = 2023, ["published"] = 1720000000 });
        index.AddDocument("cooking", "bread", "bread.md",
            ["Bread dough rises when yeast ferments sugar.", "Knead the dough for ten minutes."],
            new JsonObject { ["animal"] = "none", ["year"] = 2020 });
        return index;
    }

    private static JsonObject Multiple(int topK = 4, double? threshold = null, JsonObject? extra = null)
    {
        var data = new JsonObject
        {
            ["query_variable_selector"] = new JsonArray("start", "q"),
            ["dataset_ids"] = new JsonArray("pets", "cooking", "empty", "missing"),
            ["retrieval_mode"] = "multiple",
            ["multiple_retrieval_config"] = new JsonObject { ["top_k"] = topK, ["score_threshold"] = threshold, ["reranking_enable"] = false },
        };
        foreach (var (k, v) in extra ?? []) data[k] = v?.DeepClone();
        return data;
    }

    private static async Task<NodeRunResult> Run(IKnowledgeRetriever index, JsonObject data, string query, OpenAiCompatibleServer? server = null) =>
        await RunAsync(new KnowledgeRetrievalNode(index, server is null ? null! : ModelsFor(server)), data, Pool(("start", "q", query), ("start", "animal", "dog")));

    private static JsonArray Result(NodeRunResult r) => r.Outputs["result"]!.AsArray();

    [Fact]
    public async Task Multiple_mode_full_text_returns_dify_shaped_items_sorted_by_score()
    {
        var result = await Run(Index(), Multiple(), "why do cats purr");

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var items = Result(result);
        Assert.NotEmpty(items);
        var first = items[0]!.AsObject();
        Assert.Equal("Cats purr when they are content and sometimes when stressed.", first["content"]!.GetValue<string>());
        Assert.Equal("cats.md", first["title"]!.GetValue<string>());
        var m = first["metadata"]!.AsObject();
        Assert.Equal("knowledge", m["_source"]!.GetValue<string>());
        Assert.Equal(1, m["position"]!.GetValue<int>());
        Assert.Equal("pets", m["dataset_id"]!.GetValue<string>());
        Assert.Equal("Pets", m["dataset_name"]!.GetValue<string>());
        Assert.Equal("cats", m["document_id"]!.GetValue<string>());
        Assert.Equal("cats.md", m["document_name"]!.GetValue<string>());
        Assert.Equal("upload_file", m["data_source_type"]!.GetValue<string>());
        Assert.Equal("cats-1", m["segment_id"]!.GetValue<string>());
        Assert.Equal("workflow", m["retriever_from"]!.GetValue<string>());
        Assert.Equal(0, m["segment_hit_count"]!.GetValue<int>());
        Assert.Equal(first["content"]!.GetValue<string>().Length, m["segment_word_count"]!.GetValue<int>());
        Assert.Equal(1, m["segment_position"]!.GetValue<int>());
        Assert.Equal(64, m["segment_index_node_hash"]!.GetValue<string>().Length);
        Assert.Equal("cat", m["doc_metadata"]!["animal"]!.GetValue<string>());
        var scores = items.Select(i => i!["metadata"]!["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(Enumerable.Range(1, items.Count), items.Select(i => i!["metadata"]!["position"]!.GetValue<int>()));
        Assert.DoesNotContain(items, i => i!["metadata"]!["dataset_id"]!.GetValue<string>() == "cooking"); // no shared words
        Assert.Equal("why do cats purr", result.Inputs!["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Top_k_and_score_threshold_limit_the_results()
    {
        var all = Result(await Run(Index(), Multiple(topK: 10), "dough cats purr"));
        var top1 = Result(await Run(Index(), Multiple(topK: 1), "dough cats purr"));
        var best = all[0]!["metadata"]!["score"]!.GetValue<double>();
        var thresholded = Result(await Run(Index(), Multiple(topK: 10, threshold: best - 0.0001), "dough cats purr"));

        Assert.True(all.Count >= 3);
        Assert.Single(top1);
        Assert.Equal(all[0]!["content"]!.GetValue<string>(), top1[0]!["content"]!.GetValue<string>());
        Assert.All(thresholded, i => Assert.True(i!["metadata"]!["score"]!.GetValue<double>() >= best - 0.0001));
        Assert.True(thresholded.Count < all.Count);
    }

    [Fact]
    public async Task Semantic_search_uses_the_servers_embeddings()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var index = Index(ModelsFor(server).Embeddings, SearchMethod.Semantic);

        var result = await Run(index, Multiple(topK: 3), "yeast dough bread", server);

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var items = Result(result);
        Assert.Equal("bread", items[0]!["metadata"]!["document_id"]!.GetValue<string>());
        Assert.InRange(items[0]!["metadata"]!["score"]!.GetValue<double>(), 0.01, 1.0);
        var request = Assert.Single(server.EmbeddingRequests); // the query and every chunk in one call
        Assert.Equal("yeast dough bread", request.Inputs[0]);
        Assert.Contains("Bread dough rises when yeast ferments sugar.", request.Inputs);

        // Chunk vectors are cached: a second search embeds only the query.
        await Run(index, Multiple(topK: 3), "cats", server);
        Assert.Equal(["cats"], server.EmbeddingRequests[^1].Inputs);
    }

    private static JsonObject Weighted(double vector, double keyword)
    {
        var data = Multiple(topK: 10);
        data["multiple_retrieval_config"] = new JsonObject
        {
            ["top_k"] = 10, ["reranking_enable"] = true, ["reranking_mode"] = "weighted_score",
            ["weights"] = new JsonObject
            {
                ["vector_setting"] = new JsonObject { ["vector_weight"] = vector },
                ["keyword_setting"] = new JsonObject { ["keyword_weight"] = keyword },
            },
        };
        return data;
    }

    private static Dictionary<string, double> Scores(JsonArray items) =>
        items.ToDictionary(i => i!["metadata"]!["segment_id"]!.GetValue<string>(), i => i!["metadata"]!["score"]!.GetValue<double>());

    [Fact]
    public async Task Weighted_score_reranking_combines_semantic_and_keyword_scores()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var embeddings = ModelsFor(server).Embeddings;
        const string query = "cats purr";

        // Candidates come from each dataset's own (full-text) search, then are re-scored with the weights.
        var candidates = Scores(Result(await Run(Index(embeddings), Multiple(topK: 10), query, server)));
        var semantic = Scores(Result(await Run(Index(embeddings, SearchMethod.Semantic), Multiple(topK: 10), query, server)));
        var vectorOnly = Scores(Result(await Run(Index(embeddings), Weighted(1, 0), query, server)));
        var mixed = Scores(Result(await Run(Index(embeddings), Weighted(0.5, 0.5), query, server)));

        Assert.Equal(candidates.Keys.Order(), mixed.Keys.Order());
        foreach (var (segment, score) in vectorOnly) Assert.Equal(semantic[segment], score, 5);
        Assert.Equal(mixed.Keys.Order(), vectorOnly.Keys.Order());
        Assert.Contains(mixed, kv => Math.Abs(kv.Value - vectorOnly[kv.Key]) > 0.01);
    }

    [Fact]
    public async Task Rerank_model_that_cannot_run_falls_back_to_score_order_and_says_so()
    {
        var data = Multiple();
        data["multiple_retrieval_config"] = new JsonObject
        {
            ["top_k"] = 4, ["reranking_enable"] = true, ["reranking_mode"] = "reranking_model",
            ["reranking_model"] = new JsonObject { ["provider"] = "cohere", ["model"] = "rerank-english-v3.0" },
        };

        var result = await Run(Index(), data, "cats purr");

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.NotEmpty(Result(result));
        Assert.Contains("rerank-english-v3.0", result.ProcessData!["notes"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Manual_metadata_filter_with_templated_values_restricts_documents()
    {
        var data = Multiple(topK: 10, extra: new JsonObject
        {
            ["metadata_filtering_mode"] = "manual",
            ["metadata_filtering_conditions"] = new JsonObject
            {
                ["logical_operator"] = "and",
                ["conditions"] = new JsonArray(
                    new JsonObject { ["name"] = "animal", ["comparison_operator"] = "is", ["value"] = "{{#start.animal#}}" },
                    new JsonObject { ["name"] = "year", ["comparison_operator"] = "≥", ["value"] = 2022 }),
            },
        });

        var items = Result(await Run(Index(), data, "purr dogs cats"));

        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("dogs", i!["metadata"]!["document_id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("contains", "\"ca\"", true)]
    [InlineData("not contains", "\"ca\"", false)]
    [InlineData("start with", "\"c\"", true)]
    [InlineData("end with", "\"x\"", false)]
    [InlineData("is not", "\"dog\"", true)]
    [InlineData("in", "[\"dog\", \"cat\"]", true)]
    [InlineData("not in", "\"dog,bird\"", true)]
    [InlineData("empty", "null", false)]
    [InlineData("not empty", "null", true)]
    public void Metadata_operators_on_strings(string op, string valueJson, bool expected) =>
        Assert.Equal(expected, MetadataFilterEvaluator.Matches(new JsonObject { ["animal"] = "cat" }, new MetadataCondition("animal", op, JsonNode.Parse(valueJson))));

    [Theory]
    [InlineData("=", "2021", true)]
    [InlineData("≠", "2021", false)]
    [InlineData(">", "2020", true)]
    [InlineData("<", "2020", false)]
    [InlineData("≤", "2021", true)]
    [InlineData("before", "\"2024-01-01\"", true)]
    [InlineData("after", "1800000000", false)]
    public void Metadata_operators_on_numbers_and_times(string op, string valueJson, bool expected)
    {
        var metadata = JsonNode.Parse("{\"year\": 2021, \"published\": 1700000000}")!.AsObject();
        var name = op is "before" or "after" ? "published" : "year";
        Assert.Equal(expected, MetadataFilterEvaluator.Matches(metadata, new MetadataCondition(name, op, JsonNode.Parse(valueJson))));
    }

    [Fact]
    public async Task Single_mode_routes_through_the_model_and_searches_that_dataset_with_its_own_settings()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.WithToolCall("dataset_cooking", "{\"query\": \"bread\"}");
        var data = new JsonObject
        {
            ["query_variable_selector"] = new JsonArray("start", "q"),
            ["dataset_ids"] = new JsonArray("pets", "cooking"),
            ["retrieval_mode"] = "single",
            ["single_retrieval_config"] = new JsonObject { ["model"] = Model() },
        };

        var result = await Run(Index(), data, "how long to knead the dough", server);

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal(["dataset_pets", "dataset_cooking"], request.Tools.Select(t => t.Name));
        Assert.Equal("Recipes and kitchen techniques", request.Tools[1].Description);
        Assert.Equal("how long to knead the dough", request.LastUserText);
        var items = Result(result);
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("cooking", i!["metadata"]!["dataset_id"]!.GetValue<string>()));
        Assert.Equal("cooking", result.ProcessData!["selected_dataset_id"]!.GetValue<string>());
        Assert.True(result.TotalTokens > 0);
    }

    [Fact]
    public async Task Single_mode_with_one_dataset_needs_no_model_call()
    {
        var data = new JsonObject
        {
            ["query_variable_selector"] = new JsonArray("start", "q"),
            ["dataset_ids"] = new JsonArray("pets"),
            ["retrieval_mode"] = "single",
            ["single_retrieval_config"] = new JsonObject { ["model"] = Model() },
        };

        var items = Result(await Run(Index(), data, "cats dogs purr wag groom sleeps"));

        Assert.Equal(2, items.Count); // the pets dataset's own top_k
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_query_fails_with_query_is_required(string query)
    {
        var result = await Run(Index(), Multiple(), query);

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("Query is required", result.Error);
    }

    [Fact]
    public async Task Non_string_query_fails_with_query_is_required()
    {
        var result = await RunAsync(new KnowledgeRetrievalNode(Index(), null!), Multiple(), Pool(("start", "q", 42)));

        Assert.Equal("Query is required", result.Error);
    }

    [Fact]
    public async Task Semantic_search_without_an_embedding_model_fails_clearly()
    {
        var result = await Run(Index(null, SearchMethod.Semantic), Multiple(), "cats");

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Contains("embedding model", result.Error);
    }

    [Fact]
    public async Task Llm_context_from_retrieval_results_produces_retriever_resources()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var retrieval = await RunAsync(new KnowledgeRetrievalNode(Index(), ModelsFor(server)), Multiple(topK: 2), Pool(("start", "q", "cats purr")), id: "kr");
        var pool = Pool(("start", "q", "cats purr"));
        pool.SetOutputs("kr", retrieval.Outputs);
        var llm = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["text"] = "Answer from:\n{{#context#}}" },
                new JsonObject { ["role"] = "user", ["text"] = "{{#start.q#}}" }),
            ["context"] = new JsonObject { ["enabled"] = true, ["variable_selector"] = new JsonArray("kr", "result") },
        };

        var answer = await RunAsync(new LlmNode(ModelsFor(server)), llm, pool);

        Assert.Equal(NodeRunStatus.Succeeded, answer.Status);
        var items = Result(retrieval);
        var system = Assert.Single(server.Requests).Messages[0].Text;
        Assert.Equal("Answer from:\n" + string.Join("\n", items.Select(i => i!["content"]!.GetValue<string>())), system);
        var resources = answer.Metadata!["retriever_resources"]!.AsArray();
        Assert.Equal(items.Count, resources.Count);
        Assert.Equal(items[0]!["metadata"]!["segment_id"]!.GetValue<string>(), resources[0]!["segment_id"]!.GetValue<string>());
        Assert.Equal("Pets", resources[0]!["dataset_name"]!.GetValue<string>());
        Assert.Equal(1, resources[0]!["position"]!.GetValue<int>());
    }
}
