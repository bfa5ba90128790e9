using System.Text;
using System.Text.Json.Nodes;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Knowledge.Storage;
using Dify.Testing;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests;

/// <summary>
/// The real ingestion pipeline writing through <see cref="IKnowledgeIndexWriter"/> into Azure AI Search (the local
/// server speaking its REST API): ingest, replace on change, remove on delete and disable; results equal the embedded index's.
/// </summary>
public sealed class IngestorWriterTests
{
    private const string V1 = "Solar panels convert sunlight into electricity.\nWind turbines generate power from moving air.\nBatteries store electricity for the night.";
    private const string V2 = "Solar panels convert sunlight into electricity.\nTidal plants follow the moon.";

    [Fact]
    public async Task Ingest_replace_disable_and_delete_reach_azure_search_and_match_the_embedded_index()
    {
        using var folder = new TempDirectory("dify-aisearch-writer");
        await using var database = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None);
        await using var h = await AzureSearchHarness.StartAsync();
        var sqlite = new SqliteKnowledgeIndex(database, h.Embeddings);
        var azure = new AzureSearchKnowledgeIndex(h.Options, new DatasetStoreCatalog(sqlite.Datasets), h.Embeddings);
        var ingestor = new KnowledgeIngestor(database, sqlite, h.Embeddings, indexWriter: azure);
        await sqlite.Datasets.SaveAsync(new Datasets.DatasetRecord("kb", "Energy", null), CancellationToken.None);
        var rule = ProcessRule.Custom("\\n", 200, 0);

        await IngestAsync(ingestor, "doc", V1, rule, new JsonObject { ["site"] = "north" });
        await IngestAsync(ingestor, "other", "Heat pumps move heat with electricity.", rule, null);
        await AssertSameAsync(sqlite, azure, "electricity at night");
        Assert.Equal(["north"], (await azure.SearchAsync(Query("electricity", new MetadataFilter("and", [new MetadataCondition("site", "is", "north")])), CancellationToken.None))
            .Select(hit => hit.Chunk.DocMetadata!["site"]!.GetValue<string>()).Distinct());

        // Replace: the changed document's old chunks leave Azure, its new ones arrive.
        await IngestAsync(ingestor, "doc", V2, rule, null);
        await AssertSameAsync(sqlite, azure, "electricity at night tidal moon");
        var contents = (await azure.SearchAsync(Query("batteries wind tidal solar heat", null, 10), CancellationToken.None)).Select(hit => hit.Chunk.Content).ToList();
        Assert.Contains("Tidal plants follow the moon.", contents);
        Assert.DoesNotContain("Batteries store electricity for the night.", contents);

        // Disable: gone from Azure too; enable: back, published from the vectors stored in the knowledge file.
        await ingestor.Edits.SetStatusAsync("kb", "doc", enabled: false, archived: null, CancellationToken.None);
        Assert.DoesNotContain(await azure.SearchAsync(Query("tidal moon"), CancellationToken.None), hit => hit.Chunk.DocumentId == "doc");
        await ingestor.Edits.SetStatusAsync("kb", "doc", enabled: true, archived: null, CancellationToken.None);
        await AssertSameAsync(sqlite, azure, "tidal moon solar");

        // Delete: removed from both.
        Assert.True(await ingestor.DeleteDocumentAsync("kb", "doc", CancellationToken.None));
        await AssertSameAsync(sqlite, azure, "electricity solar tidal");
        Assert.All(await azure.SearchAsync(Query("electricity solar tidal", null, 10), CancellationToken.None), hit => Assert.Equal("other", hit.Chunk.DocumentId));
    }

    private static KnowledgeQuery Query(string text, MetadataFilter? filter = null, int topK = 4) => new(["kb"], text, topK, SearchMethod.Semantic, MetadataFilter: filter);

    private static async Task AssertSameAsync(SqliteKnowledgeIndex sqlite, AzureSearchKnowledgeIndex azure, string text)
    {
        var query = Query(text, null, 10);
        var expected = await sqlite.SearchAsync(query, CancellationToken.None);
        var actual = await azure.SearchAsync(query, CancellationToken.None);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(e => (e.Chunk.DocumentId, e.Chunk.SegmentId, e.Chunk.Content)), actual.Select(a => (a.Chunk.DocumentId, a.Chunk.SegmentId, a.Chunk.Content)));
        Assert.Equal(expected.Select(e => e.Chunk.Score), actual.Select(a => a.Chunk.Score), (x, y) => Math.Abs(x - y) < 1e-5);
    }

    private static async Task IngestAsync(KnowledgeIngestor ingestor, string id, string text, ProcessRule rule, JsonObject? metadata)
    {
        var record = await ingestor.IngestAsync("kb", id, id + ".txt", new MemoryStream(Encoding.UTF8.GetBytes(text)), rule, CancellationToken.None, metadata);
        Assert.Equal(DocumentStatus.Completed, record.Status);
    }
}
