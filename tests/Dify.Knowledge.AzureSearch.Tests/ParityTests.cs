using System.Text;
using System.Text.Json.Nodes;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Testing;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests;

/// <summary>The same documents ingested by the real pipeline into the knowledge file and mirrored into Azure AI Search give the same results.</summary>
public sealed class ParityTests
{
    [Fact]
    public async Task Semantic_results_match_the_embedded_index_field_for_field()
    {
        using var folder = new TempDirectory("dify-aisearch");
        await using var database = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None);
        await using var h = await AzureSearchHarness.StartAsync();
        var sqlite = new SqliteKnowledgeIndex(database, h.Embeddings);
        var ingestor = new KnowledgeIngestor(database, sqlite, h.Embeddings);
        await sqlite.Datasets.SaveAsync(new Datasets.DatasetRecord("kb", "Energy notes", "About energy"), CancellationToken.None);
        var azure = new AzureSearchKnowledgeIndex(h.Options, new DatasetStoreCatalog(sqlite.Datasets), h.Embeddings);

        var plain = "Solar panels convert sunlight into electricity.\nWind turbines generate power from moving air.\nBatteries store electricity for the night.\nHydro dams use falling water.";
        var nested = "Heat pumps move heat. They use electricity.\n\nGeothermal plants tap the earth. They run day and night.";
        await Ingest(ingestor, "plain", plain, ProcessRule.Custom("\\n", 200, 0), new JsonObject { ["author"] = "ann", ["year"] = 2021 });
        await Ingest(ingestor, "nested", nested,
            ProcessRule.Hierarchical(ParentMode.Paragraph, new Segmentation("\\n\\n", 500, 0), new Segmentation(". ", 60, 0)), null);
        foreach (var doc in new[] { "plain", "nested" })
            await azure.UpsertAsync(await KnowledgeFileChunks.ReadDocumentAsync(database, "kb", doc, CancellationToken.None), CancellationToken.None);

        foreach (var text in new[] { "electricity at night", "solar sunlight", "heat pumps" })
        {
            var query = new KnowledgeQuery(["kb"], text, 4, SearchMethod.Semantic);
            var expected = await sqlite.SearchAsync(query, CancellationToken.None);
            var actual = await azure.SearchAsync(query, CancellationToken.None);
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i].Chunk, actual[i].Chunk);
                Assert.Equal(e.Score, a.Score, 5);
                Assert.Equal(e with { Score = 0, DocMetadata = null }, a with { Score = 0, DocMetadata = null });
                Assert.Equal(e.DocMetadata?.ToJsonString(), a.DocMetadata?.ToJsonString());
                Assert.Equal(expected[i].ChildChunks.Select(c => (c.Id, c.Content, c.Position)), actual[i].ChildChunks.Select(c => (c.Id, c.Content, c.Position)));
                Assert.Equal(expected[i].ChildChunks.Select(c => c.Score), actual[i].ChildChunks.Select(c => c.Score), (x, y) => Math.Abs(x - y) < 1e-5);
            }
        }
        Assert.Contains(await azure.SearchAsync(new KnowledgeQuery(["kb"], "heat pumps", 4, SearchMethod.Semantic), CancellationToken.None), hit => hit.ChildChunks.Count > 0);
    }

    private static async Task Ingest(KnowledgeIngestor ingestor, string id, string text, ProcessRule rule, JsonObject? metadata)
    {
        var record = await ingestor.IngestAsync("kb", id, id + ".txt", new MemoryStream(Encoding.UTF8.GetBytes(text)), rule, CancellationToken.None, metadata);
        Assert.Equal(DocumentStatus.Completed, record.Status);
    }
}
