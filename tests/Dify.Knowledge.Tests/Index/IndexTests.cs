using System.Text.Json.Nodes;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Tests.Index;

public sealed class IndexTests
{
    private const string Animals = "The cat sat on the mat and purred.\nDogs bark at the mailman every morning.\nA cat and a dog can live together peacefully.\nParrots repeat words they hear often.\n"
                                   + "Goldfish swim in small bowls.\nHamsters run on wheels at night.\nRabbits eat carrots and hay.\nTurtles live for many decades.";

    [Fact]
    public async Task Full_text_ranks_by_bm25_scaled_to_one()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("pets");
        Assert.Equal(DocumentStatus.Completed, (await k.IngestTextAsync("pets", "animals", Animals)).Status);

        var hits = await k.Index.RetrieveAsync(new KnowledgeQuery(["pets"], "cat dog", 4, SearchMethod.FullText), default);
        // Only the third line has both words; the first has "cat" only (dogs ≠ dog for FTS5's unicode61 tokenizer).
        Assert.Equal("A cat and a dog can live together peacefully.", hits[0].Content);
        Assert.Equal(1.0, hits[0].Score, 6);
        Assert.Equal("The cat sat on the mat and purred.", hits[1].Content);
        Assert.InRange(hits[1].Score, 0.01, 0.6); // half the words, lower BM25
        Assert.Equal(2, hits.Count);
        Assert.Equal("animals:3", hits[0].SegmentId);
        Assert.Equal(3, hits[0].SegmentPosition);
        Assert.Equal("animals.txt", hits[0].DocumentName);
    }

    [Fact]
    public async Task Semantic_ranks_by_cosine_of_the_datasets_embeddings()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("pets");
        await k.IngestTextAsync("pets", "animals", Animals);
        var before = server.EmbeddingRequestCount;

        var hits = await k.Index.RetrieveAsync(new KnowledgeQuery(["pets"], "parrots repeat words", 2, SearchMethod.Semantic), default);
        Assert.Equal("Parrots repeat words they hear often.", hits[0].Content);
        var expected = DeterministicEmbedder.Cosine(DeterministicEmbedder.Embed("parrots repeat words"), DeterministicEmbedder.Embed(hits[0].Content));
        Assert.Equal(expected, hits[0].Score, 4);
        Assert.True(hits[0].Score > hits[1].Score);
        Assert.Equal(before + 1, server.EmbeddingRequestCount); // only the query is embedded at search time
    }

    [Theory]
    [InlineData(HybridFusion.Weighted)]
    [InlineData(HybridFusion.ReciprocalRank)]
    public async Task Hybrid_combines_both_lists(HybridFusion fusion)
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server), indexOptions: new KnowledgeIndexOptions { HybridFusion = fusion });
        await k.CreateDatasetAsync("pets", retrieval: new DatasetRetrievalSettings(SearchMethod.Hybrid, 4, null, new RetrievalWeights(0.5, 0.5)));
        await k.IngestTextAsync("pets", "animals", Animals);

        var hits = await k.Index.RetrieveAsync(new KnowledgeQuery(["pets"], "cat dog together", 4), default);
        Assert.Equal("A cat and a dog can live together peacefully.", hits[0].Content);
        Assert.All(hits, h => Assert.InRange(h.Score, 0, 1));
        Assert.Equal(hits.OrderByDescending(h => h.Score).Select(h => h.Content), hits.Select(h => h.Content));
        if (fusion == HybridFusion.Weighted)
        {
            // 0.5·cosine + 0.5·keyword, keyword = 1 for the best BM25 hit containing every word. Stored vectors are
            // float16, which moves a cosine by about 1e-4: three decimals still pin the formula.
            var cosine = DeterministicEmbedder.Cosine(DeterministicEmbedder.Embed("cat dog together"), DeterministicEmbedder.Embed(hits[0].Content));
            Assert.Equal(0.5 * cosine + 0.5, hits[0].Score, 3);
        }
        else
        {
            Assert.Equal(1.0, hits[0].Score, 6); // first in both lists
        }
    }

    [Fact]
    public async Task Metadata_filters_limit_the_documents_searched()
    {
        await using var k = await KnowledgeHarness.StartAsync(new Dify.Knowledge.Embedding.HashingEmbeddingModel());
        await k.CreateDatasetAsync("docs", "embedded", "hashing-384");
        await k.IngestTextAsync("docs", "guide-2023", "Installing the product on Linux needs Docker.", metadata: new JsonObject { ["year"] = 2023, ["lang"] = "en" });
        await k.IngestTextAsync("docs", "guide-2024", "Installing the product on Linux needs Podman.", metadata: new JsonObject { ["year"] = 2024, ["lang"] = "en" });
        await k.IngestTextAsync("docs", "guide-fr", "Installer le produit sur Linux demande Docker.", metadata: new JsonObject { ["year"] = 2024, ["lang"] = "fr" });

        async Task<string[]> DocsAsync(MetadataFilter? filter, SearchMethod method) =>
            (await k.Index.RetrieveAsync(new KnowledgeQuery(["docs"], "installing linux", 10, method, MetadataFilter: filter), default))
            .Select(h => h.DocumentId).Order().ToArray();

        var recent = new MetadataFilter("and", [new MetadataCondition("year", "≥", 2024), new MetadataCondition("lang", "is", "en")]);
        Assert.Equal(["guide-2024"], await DocsAsync(recent, SearchMethod.Semantic));
        Assert.Equal(["guide-2024"], await DocsAsync(recent, SearchMethod.FullText));
        var either = new MetadataFilter("or", [new MetadataCondition("year", "<", 2024), new MetadataCondition("lang", "is", "fr")]);
        Assert.Equal(["guide-2023", "guide-fr"], await DocsAsync(either, SearchMethod.Semantic));
        Assert.Equal(["guide-2023", "guide-2024", "guide-fr"], await DocsAsync(null, SearchMethod.Semantic));
    }

    [Fact]
    public async Task Parent_child_returns_the_parent_with_its_matched_children()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("manual");
        var rule = ProcessRule.Hierarchical(ParentMode.Paragraph, new Segmentation("\\n\\n", 500), new Segmentation("\\n", 100));
        var text = "Battery care.\nCharge the battery fully before first use.\nStore the battery at half charge.\n\nScreen care.\nClean the screen with a dry cloth.";
        var document = await k.IngestTextAsync("manual", "manual", text, rule);
        Assert.Equal(2, document.TotalSegments);

        var hits = await k.Index.SearchAsync(new KnowledgeQuery(["manual"], "battery charge", 4, SearchMethod.Semantic), default);
        var top = hits[0];
        Assert.Equal("Battery care.\nCharge the battery fully before first use.\nStore the battery at half charge.", top.Chunk.Content);
        Assert.Equal("manual:1", top.Chunk.SegmentId);
        Assert.Equal(top.ChildChunks.Max(c => c.Score), top.Chunk.Score, 6);
        var children = new[] { "Battery care.", "Charge the battery fully before first use.", "Store the battery at half charge." };
        var best = children.MaxBy(c => DeterministicEmbedder.Cosine(DeterministicEmbedder.Embed("battery charge"), DeterministicEmbedder.Embed(c)))!;
        Assert.Equal(best, top.ChildChunks.MaxBy(c => c.Score)!.Content);
        Assert.Equal(DeterministicEmbedder.Cosine(DeterministicEmbedder.Embed("battery charge"), DeterministicEmbedder.Embed(best)), top.Chunk.Score, 4);
        Assert.All(top.ChildChunks, c => Assert.StartsWith("manual:1:", c.Id));
        // Parents are never searched themselves: only the 5 children (3 + 2 lines) were embedded.
        Assert.Equal(5, server.EmbeddingRequests.Where(r => r.Inputs.Count > 1 || r.Inputs[0] != "battery charge").Sum(r => r.Inputs.Count));
    }

    [Fact]
    public async Task The_index_persists_across_reopening_the_file()
    {
        using var folder = new TempDirectory("dify-knowledge");
        await using (var k = await KnowledgeHarness.StartAsync(new Dify.Knowledge.Embedding.HashingEmbeddingModel(), folder: folder))
        {
            await k.CreateDatasetAsync("pets", "embedded", "hashing-384");
            await k.IngestTextAsync("pets", "animals", Animals);
        }
        await using (var k = await KnowledgeHarness.StartAsync(new Dify.Knowledge.Embedding.HashingEmbeddingModel(), folder: folder))
        {
            var datasets = await k.Index.GetDatasetsAsync(["pets", "missing"], default);
            Assert.Equal("Dataset pets", Assert.Single(datasets).Name);
            foreach (var method in new[] { SearchMethod.Semantic, SearchMethod.FullText, SearchMethod.Hybrid })
            {
                var hits = await k.Index.RetrieveAsync(new KnowledgeQuery(["pets"], "parrots repeat words", 1, method), default);
                Assert.Equal("Parrots repeat words they hear often.", Assert.Single(hits).Content);
            }
        }
    }

    [Fact]
    public async Task Economy_datasets_search_full_text_without_embeddings()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("cheap", technique: Dify.Knowledge.Datasets.IndexingTechnique.Economy);
        await k.IngestTextAsync("cheap", "animals", Animals);
        var hits = await k.Index.RetrieveAsync(new KnowledgeQuery(["cheap"], "parrots", 2, SearchMethod.Semantic), default);
        Assert.Equal("Parrots repeat words they hear often.", Assert.Single(hits).Content);
        Assert.Equal(0, server.EmbeddingRequestCount);
    }
}
