using System.Text.Json.Nodes;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests;

public sealed class SearchTests
{
    private static async Task<AzureSearchHarness> CorpusAsync(Action<AzureSearchOptions>? configure = null)
    {
        var h = await AzureSearchHarness.StartAsync(configure);
        h.AddDataset("a");
        h.AddDataset("b");
        h.AddDataset("empty");
        await h.AddDocumentAsync("a", "doc1",
            ["Solar panels convert sunlight into electricity.", "Wind turbines generate power from moving air.", "Batteries store electricity for the night."],
            new JsonObject { ["author"] = "ann", ["year"] = 2020 });
        await h.AddDocumentAsync("a", "doc2",
            ["Cats are small domesticated carnivorous mammals.", "Dogs were domesticated from wolves."],
            new JsonObject { ["author"] = "bob", ["year"] = 2023 });
        await h.AddDocumentAsync("b", "doc3", ["Solar eclipses happen when the moon blocks the sun."]);
        return h;
    }

    [Fact]
    public async Task Full_text_ranks_by_bm25_scaled_by_the_best_hit_and_word_coverage()
    {
        await using var h = await CorpusAsync();
        var found = await h.RetrieveAsync("solar electricity", SearchMethod.FullText);
        Assert.Equal(["doc1:1", "doc1:3"], found.Select(c => c.SegmentId));
        Assert.Equal(1.0, found[0].Score);
        Assert.InRange(found[1].Score, 0.01, 0.5); // one of two words, lower BM25
        var body = Assert.Single(h.SearchBodies());
        Assert.Equal("solar electricity", body["search"]!.GetValue<string>());
        Assert.Null(body["vectorQueries"]);
        Assert.Equal("content", body["searchFields"]!.GetValue<string>());
    }

    [Fact]
    public async Task Semantic_search_is_a_vector_query_scored_by_cosine()
    {
        await using var h = await CorpusAsync();
        const string query = "solar panels and sunlight";
        var found = await h.RetrieveAsync(query, SearchMethod.Semantic, topK: 3);
        Assert.Equal(3, found.Count);
        Assert.Equal("doc1:1", found[0].SegmentId);

        // Scores are the cosine of the query and chunk embeddings, computed here independently.
        var texts = new List<string> { query };
        texts.AddRange(found.Select(c => c.Content));
        var vectors = await h.EmbedAsync(texts);
        for (var i = 0; i < found.Count; i++)
            Assert.Equal(Math.Max(0, Cosine(vectors[0], vectors[i + 1])), found[i].Score, 5);
        Assert.True(found[0].Score > found[1].Score && found[1].Score >= found[2].Score);

        var body = Assert.Single(h.SearchBodies());
        Assert.Null(body["search"]);
        var vq = body["vectorQueries"]![0]!;
        Assert.Equal("vector", vq["kind"]!.GetValue<string>());
        Assert.Equal("content_vector", vq["fields"]!.GetValue<string>());
        Assert.Equal(384, vq["vector"]!.AsArray().Count);
        Assert.Equal("dataset_id eq 'a' and kind ne 'parent' and enabled ne false and document_enabled ne false", body["filter"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hybrid_search_is_one_request_fused_by_the_service()
    {
        await using var h = await CorpusAsync();
        var found = await h.RetrieveAsync("domesticated wolves", SearchMethod.Hybrid, topK: 2);
        Assert.Equal(["doc2:2", "doc2:1"], found.Select(c => c.SegmentId));
        Assert.Equal(1.0, found[0].Score); // first in both lists
        Assert.InRange(found[1].Score, 0.9, 0.999);
        var body = Assert.Single(h.SearchBodies());
        Assert.Equal("domesticated wolves", body["search"]!.GetValue<string>());
        Assert.NotNull(body["vectorQueries"]);
        Assert.NotEqual("semantic", body["queryType"]?.GetValue<string>());
    }

    [Fact]
    public async Task Hybrid_with_the_semantic_ranker_scores_reranker_over_four()
    {
        await using var h = await CorpusAsync(o => o.UseSemanticRanker = true);
        var found = await h.RetrieveAsync("solar electricity", SearchMethod.Hybrid);
        // The local reranker gives 4 × the share of query words present: 1 and 0.5; the rest 0 (dropped).
        Assert.Equal(["doc1:1", "doc1:3"], found.Select(c => c.SegmentId));
        Assert.Equal([1.0, 0.5], found.Select(c => c.Score));
        var body = Assert.Single(h.SearchBodies());
        Assert.Equal("semantic", body["queryType"]!.GetValue<string>());
        Assert.Equal("dify-semantic", body["semanticConfiguration"]!.GetValue<string>());
    }

    [Fact]
    public async Task Datasets_are_isolated_and_merged_by_score()
    {
        await using var h = await CorpusAsync();
        Assert.Equal(["doc1:1"], (await h.RetrieveAsync("solar", SearchMethod.FullText, 10, "a")).Select(c => c.SegmentId));
        Assert.Equal(["doc3:1"], (await h.RetrieveAsync("solar", SearchMethod.FullText, 10, "b")).Select(c => c.SegmentId));
        var both = await h.RetrieveAsync("solar", SearchMethod.FullText, 10, "a", "b", "missing");
        Assert.Equal(["doc1:1", "doc3:1"], both.Select(c => c.SegmentId).Order());
        Assert.Equal(["Dataset a", "Dataset b"], both.Select(c => c.DatasetName).Order());

        var datasets = await h.Index.GetDatasetsAsync(["b", "missing", "empty", "a"], CancellationToken.None);
        Assert.Equal(["b", "a"], datasets.Select(d => d.Id));
    }

    [Fact]
    public async Task Metadata_filters_run_in_the_service_where_odata_can_say_them_and_after_otherwise()
    {
        await using var h = await CorpusAsync();
        Task<IReadOnlyList<RetrievedChunk>> Run(string logic, params MetadataCondition[] conditions) =>
            h.Index.RetrieveAsync(new KnowledgeQuery(["a"], "domesticated electricity", 10, SearchMethod.FullText, MetadataFilter: new(logic, conditions)), CancellationToken.None);

        var bob = await Run("and", new MetadataCondition("author", "is", "bob"));
        Assert.All(bob, c => Assert.Equal("doc2", c.DocumentId));
        Assert.Equal(2, bob.Count);
        Assert.Contains("metadata_pairs/any(m: m eq 'author=bob')", h.SearchBodies()[^1]["filter"]!.GetValue<string>(), StringComparison.Ordinal);

        var recent = await Run("and", new MetadataCondition("year", "≥", 2021));
        Assert.Equal(["doc2", "doc2"], recent.Select(c => c.DocumentId));
        Assert.DoesNotContain("metadata", h.SearchBodies()[^1]["filter"]!.GetValue<string>(), StringComparison.Ordinal);

        var notAnn = await Run("and", new MetadataCondition("author", "is not", "ann"), new MetadataCondition("year", ">", 2000));
        Assert.Equal(["doc2", "doc2"], notAnn.Select(c => c.DocumentId));
        Assert.Contains("not metadata_pairs/any", h.SearchBodies()[^1]["filter"]!.GetValue<string>(), StringComparison.Ordinal);

        var either = await Run("or", new MetadataCondition("author", "is", "ann"), new MetadataCondition("year", ">", 2022));
        Assert.Equal(4, either.Count);

        var listed = await Run("and", new MetadataCondition("author", "in", new JsonArray("ann", "carl")));
        Assert.Equal(["doc1", "doc1"], listed.Select(c => c.DocumentId));
        Assert.Contains("search.in(m, 'author=ann|author=carl', '|')", h.SearchBodies()[^1]["filter"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal("ann", listed[0].DocMetadata!["author"]!.GetValue<string>());
        Assert.Equal(2020, listed[0].DocMetadata!["year"]!.GetValue<int>());
    }

    [Fact]
    public async Task Score_threshold_and_top_k_apply_after_scoring()
    {
        await using var h = await CorpusAsync();
        var high = await h.Index.RetrieveAsync(new KnowledgeQuery(["a"], "solar electricity", 10, SearchMethod.FullText, ScoreThreshold: 0.9), CancellationToken.None);
        Assert.Equal(["doc1:1"], high.Select(c => c.SegmentId));
        var one = await h.RetrieveAsync("electricity", SearchMethod.Semantic, topK: 1);
        Assert.Single(one);
    }

    [Fact]
    public async Task Weighted_reranking_uses_both_scores_of_every_candidate()
    {
        await using var h = await CorpusAsync();
        var query = new KnowledgeQuery(["a", "b"], "solar electricity", 3, SearchMethod.Hybrid,
            Reranking: new RerankingSettings(RerankingMode.WeightedScore, new RetrievalWeights(0, 1)));
        var keywordOnly = await h.Index.RetrieveAsync(query, CancellationToken.None);
        // keyword weight 1: the full-text scores (the best hit is 1 in each dataset).
        Assert.Equal("doc1:1", keywordOnly[0].SegmentId);
        Assert.Equal(1.0, keywordOnly[0].Score);
        var semanticOnly = await h.Index.RetrieveAsync(query with { Reranking = new RerankingSettings(RerankingMode.WeightedScore, new RetrievalWeights(1, 0)) }, CancellationToken.None);
        var vectors = await h.EmbedAsync(["solar electricity", semanticOnly[0].Content]);
        Assert.Equal(Cosine(vectors[0], vectors[1]), semanticOnly[0].Score, 5);
    }

    [Fact]
    public async Task Parent_child_hits_return_the_parent_scored_by_its_best_child()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("pc");
        await h.AddParentChildDocumentAsync("pc", "garden",
        [
            ("Gardening notes. Tomatoes need sun. Roses need pruning.", ["Tomatoes need sun.", "Roses need pruning."]),
            ("Car notes. Engines need oil.", ["Engines need oil."]),
        ]);
        var hits = await h.Index.SearchAsync(new KnowledgeQuery(["pc"], "tomatoes roses pruning", 5, SearchMethod.FullText), CancellationToken.None);
        var hit = Assert.Single(hits);
        Assert.Equal("Gardening notes. Tomatoes need sun. Roses need pruning.", hit.Chunk.Content);
        Assert.Equal("garden:1", hit.Chunk.SegmentId);
        Assert.Equal(1, hit.Chunk.SegmentPosition);
        Assert.Equal(["garden:1:2", "garden:1:1"], hit.ChildChunks.Select(c => c.Id));
        Assert.Equal(hit.Chunk.Score, hit.ChildChunks[0].Score);
        Assert.True(hit.ChildChunks[0].Score > hit.ChildChunks[1].Score);
        Assert.Equal([2, 1], hit.ChildChunks.Select(c => c.Position));

        // Parents are never matched themselves ("gardening" is only in the parent text).
        Assert.Empty(await h.RetrieveAsync("gardening", SearchMethod.FullText, 5, "pc"));
    }

    [Fact]
    public async Task Economy_datasets_search_full_text_without_embedding()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("eco", technique: Datasets.IndexingTechnique.Economy);
        await h.Index.UpsertAsync([new IndexedChunk("eco", "d", "d.txt", "d:1", 1, "Solar power is clean.", null)], CancellationToken.None);
        var found = await h.RetrieveAsync("solar", SearchMethod.Semantic, 5, "eco");
        Assert.Equal(["d:1"], found.Select(c => c.SegmentId));
        Assert.Null(Assert.Single(h.SearchBodies())["vectorQueries"]);
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
