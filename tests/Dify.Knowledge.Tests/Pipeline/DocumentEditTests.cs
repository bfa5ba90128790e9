using Dify.Knowledge.Splitting;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Tests.Pipeline;

/// <summary>Edits after ingestion embed only what changed (counted on a real OpenAI-compatible embeddings server).</summary>
public sealed class DocumentEditTests
{
    private static readonly ProcessRule ParentChild =
        ProcessRule.Hierarchical(ParentMode.Paragraph, new Segmentation("\\n\\n", 500, 0), new Segmentation(". ", 60, 0));

    [Fact]
    public async Task Child_chunk_edits_embed_only_that_child_and_status_toggles_embed_nothing()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("ds");
        await k.IngestTextAsync("ds", "doc", "Owls hunt at night. Their feathers are silent. They eat mice.\n\nBees make honey. They dance.", ParentChild);
        var segment = (await k.Ingestor.Segments.ListAsync("ds", "doc", default))[0];
        var inputs = Inputs(server).Count;

        var added = await k.Ingestor.ChildChunks.AddAsync("ds", "doc", segment.Id, "Barn owls swallow voles whole.", default);
        Assert.Equal(["Barn owls swallow voles whole."], Inputs(server).Skip(inputs));
        Assert.Equal(segment.ChildChunks.Count + 1, added!.Position);

        inputs = Inputs(server).Count;
        await k.Ingestor.ChildChunks.UpdateAsync("ds", "doc", segment.Id, added.Id, "Barn owls swallow shrews whole.", default);
        Assert.Equal(["Barn owls swallow shrews whole."], Inputs(server).Skip(inputs));
        Assert.Equal(segment.Id, Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "shrews", 4, SearchMethod.FullText), default)).SegmentId);

        inputs = Inputs(server).Count;
        await k.Ingestor.Edits.SetStatusAsync("ds", "doc", enabled: false, archived: null, default);
        Assert.Empty(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "shrews", 4, SearchMethod.FullText), default));
        await k.Ingestor.Edits.SetStatusAsync("ds", "doc", enabled: true, archived: null, default);
        Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "shrews", 4, SearchMethod.FullText), default));
        Assert.Equal(inputs, Inputs(server).Count);

        Assert.True(await k.Ingestor.ChildChunks.DeleteAsync("ds", "doc", segment.Id, added.Id, default));
        Assert.Empty(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "shrews", 4, SearchMethod.FullText), default));
        Assert.False(await k.Ingestor.ChildChunks.DeleteAsync("ds", "doc", segment.Id, added.Id, default));
    }

    [Fact]
    public async Task Segment_edits_change_a_loaded_search_view_in_place_as_a_fresh_load_would_see_them()
    {
        using var folder = new Dify.Testing.TempDirectory("dify-knowledge");
        var embedder = new Dify.Knowledge.Embedding.HashingEmbeddingModel();
        const string text = "Grease the chain weekly.\nCheck the brake pads monthly.\nInflate the tyres to six bar.\nOil the hinges yearly.";
        await using (var k = await KnowledgeHarness.StartAsync(embedder, folder: folder))
        {
            await k.CreateDatasetAsync("ds", Dify.Knowledge.Embedding.HashingEmbeddingModel.ProviderName, Dify.Knowledge.Embedding.HashingEmbeddingModel.ModelName);
            await k.IngestTextAsync("ds", "doc", text);
            Assert.Single(await Find(k, "brake pads", SearchMethod.FullText)); // loads the view
            var segments = await k.Ingestor.Segments.ListAsync("ds", "doc", default);

            await k.Ingestor.Segments.UpdateAsync("ds", "doc", segments[1].Id, new Dify.Knowledge.Pipeline.SegmentEdit(Content: "Check the disc rotors monthly."), default);
            Assert.Empty(await Find(k, "brake pads", SearchMethod.FullText));
            Assert.Equal("Check the disc rotors monthly.", (await Find(k, "disc rotors", SearchMethod.FullText))[0].Content);
            Assert.Equal("Check the disc rotors monthly.", (await Find(k, "disc rotors", SearchMethod.Semantic))[0].Content);

            await k.Ingestor.Segments.UpdateAsync("ds", "doc", segments[2].Id, new Dify.Knowledge.Pipeline.SegmentEdit(Enabled: false), default);
            Assert.DoesNotContain(await Find(k, "tyres", SearchMethod.Hybrid), r => r.Content.Contains("tyres"));
            await k.Ingestor.Segments.UpdateAsync("ds", "doc", segments[2].Id, new Dify.Knowledge.Pipeline.SegmentEdit(Enabled: true), default);
            Assert.Equal("Inflate the tyres to six bar.", (await Find(k, "tyres", SearchMethod.Hybrid))[0].Content);

            Assert.True(await k.Ingestor.Segments.DeleteAsync("ds", "doc", segments[3].Id, default));
            Assert.DoesNotContain(await Find(k, "hinges", SearchMethod.Hybrid), r => r.Content.Contains("hinges"));
        }

        // A new process loads the view from the file: same results, same scores.
        await using (var k = await KnowledgeHarness.StartAsync(embedder, folder: folder))
        {
            Assert.Empty(await Find(k, "brake pads", SearchMethod.FullText));
            Assert.DoesNotContain(await Find(k, "hinges", SearchMethod.Hybrid), r => r.Content.Contains("hinges"));
            Assert.Equal("Check the disc rotors monthly.", (await Find(k, "disc rotors", SearchMethod.Semantic))[0].Content);
            Assert.Equal(3, (await Find(k, "the", SearchMethod.FullText)).Count);
        }

        static Task<IReadOnlyList<RetrievedChunk>> Find(KnowledgeHarness k, string query, SearchMethod method) =>
            k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], query, 10, method), default);
    }

    [Fact]
    public async Task Hit_counts_grow_with_each_retrieval_that_returns_the_segment()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("ds");
        await k.IngestTextAsync("ds", "doc", "Owls hunt at night.\nBees make honey.");
        var query = new KnowledgeQuery(["ds"], "honey", 4, SearchMethod.FullText);

        for (var i = 0; i < 2; i++) await k.Index.RecordHitsAsync(await k.Index.RetrieveAsync(query, default), default);

        var segments = await k.Ingestor.Segments.ListAsync("ds", "doc", default);
        Assert.Equal([("Owls hunt at night.", 0), ("Bees make honey.", 2)], segments.Select(s => (s.Content, s.HitCount)));
    }

    private static List<string> Inputs(OpenAiCompatibleServer server) => server.EmbeddingRequests.SelectMany(r => r.Inputs).ToList();
}
