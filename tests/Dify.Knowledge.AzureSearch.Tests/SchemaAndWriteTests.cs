using System.Text.Json.Nodes;

namespace Dify.Knowledge.AzureSearch.Tests;

public sealed class SchemaAndWriteTests
{
    [Fact]
    public async Task Ensure_index_sends_vector_hnsw_and_semantic_schema()
    {
        await using var h = await AzureSearchHarness.StartAsync(o => o.VectorDimensions = 384);
        var put = Assert.Single(h.Server.Requests, r => r.Method == "PUT");
        Assert.Equal("/indexes('knowledge')", put.Path);
        Assert.Contains("api-version=2023-11-01", put.Query, StringComparison.Ordinal);
        Assert.Equal(h.Server.ApiKey, put.Headers["api-key"]);
        var body = (JsonObject)put.Body!;
        var fields = body["fields"]!.AsArray().Select(f => (JsonObject)f!).ToDictionary(f => f["name"]!.GetValue<string>());

        Assert.True(fields["id"]["key"]!.GetValue<bool>());
        Assert.True(fields["content"]["searchable"]!.GetValue<bool>());
        Assert.True(fields["title"]["searchable"]!.GetValue<bool>());
        var vector = fields["content_vector"];
        Assert.Equal("Collection(Edm.Single)", vector["type"]!.GetValue<string>());
        Assert.Equal(384, vector["dimensions"]!.GetValue<int>());
        Assert.Equal("dify-vector-profile", vector["vectorSearchProfile"]!.GetValue<string>());
        foreach (var name in new[] { "dataset_id", "document_id", "segment_id", "parent_id", "kind", "position", "metadata_pairs" })
            Assert.True(fields[name]["filterable"]!.GetValue<bool>(), name);
        Assert.Equal("Collection(Edm.String)", fields["metadata_pairs"]["type"]!.GetValue<string>());
        // The stored segment's fields, which the Dataset API's segment routes read and edit in Azure.
        Assert.Equal("Edm.String", fields["answer"]["type"]!.GetValue<string>());
        Assert.Equal("Collection(Edm.String)", fields["keywords"]["type"]!.GetValue<string>());
        foreach (var name in new[] { "enabled", "document_enabled" })
        {
            Assert.Equal("Edm.Boolean", fields[name]["type"]!.GetValue<string>());
            Assert.True(fields[name]["filterable"]!.GetValue<bool>(), name);
        }

        var algorithm = body["vectorSearch"]!["algorithms"]![0]!;
        Assert.Equal("hnsw", algorithm["kind"]!.GetValue<string>());
        Assert.Equal("cosine", algorithm["hnswParameters"]!["metric"]!.GetValue<string>());
        var profile = body["vectorSearch"]!["profiles"]![0]!;
        Assert.Equal(algorithm["name"]!.GetValue<string>(), profile["algorithm"]!.GetValue<string>());

        var semantic = body["semantic"]!["configurations"]![0]!;
        Assert.Equal("dify-semantic", semantic["name"]!.GetValue<string>());
        Assert.Equal("content", semantic["prioritizedFields"]!["prioritizedContentFields"]![0]!["fieldName"]!.GetValue<string>());
        Assert.Equal("title", semantic["prioritizedFields"]!["titleField"]!["fieldName"]!.GetValue<string>());

        // Running it again at the next startup updates in place.
        await h.Index.EnsureIndexAsync(CancellationToken.None);
        Assert.Equal(2, h.Server.Requests.Count(r => r.Method == "PUT"));
    }

    [Fact]
    public async Task Changing_the_vector_size_of_an_existing_index_fails_naming_the_index()
    {
        await using var h = await AzureSearchHarness.StartAsync(o => o.VectorDimensions = 384);
        var other = new AzureSearchKnowledgeIndex(
            AzureSearchHarness.Configure(new AzureSearchOptions { Endpoint = h.Server.Endpoint, IndexName = "knowledge", ApiKey = h.Server.ApiKey, VectorDimensions = 768 }, h.Server),
            h.Catalog, h.Embeddings);
        var e = await Assert.ThrowsAsync<AzureSearchIndexException>(() => other.EnsureIndexAsync(CancellationToken.None));
        Assert.Equal(400, e.Status);
        Assert.Contains("'knowledge'", e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be changed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_of_2500_chunks_goes_in_three_batches_of_at_most_1000()
    {
        await using var h = await AzureSearchHarness.StartAsync(o => o.VectorDimensions = 8);
        var chunks = Enumerable.Range(1, 2500).Select(i =>
            new IndexedChunk("a", "big", "big.txt", $"big:{i}", i, $"chunk number {i}", Enumerable.Range(0, 8).Select(d => (float)((i + d) % 7) + 1).ToArray())).ToList();
        await h.Index.UpsertAsync(chunks, CancellationToken.None);

        var batches = h.Server.RequestsTo("/docs/search.index").Select(r => r.Body!["value"]!.AsArray()).ToList();
        Assert.Equal([1000, 1000, 500], batches.Select(b => b.Count));
        Assert.All(batches.SelectMany(b => b), a => Assert.Equal("upload", a!["@search.action"]!.GetValue<string>()));
        Assert.Equal(2500, h.Server.Index("knowledge")!.Documents.Count);
        var first = h.Server.Index("knowledge")!.Documents.Values.First();
        Assert.Equal(8, first["content_vector"]!.AsArray().Count);
        Assert.Equal("segment", first["kind"]!.GetValue<string>());

        // Uploading again replaces (same keys), it does not duplicate.
        await h.Index.UpsertAsync(chunks.Take(10).ToList(), CancellationToken.None);
        Assert.Equal(2500, h.Server.Index("knowledge")!.Documents.Count);
    }

    [Fact]
    public async Task A_vector_of_the_wrong_size_is_refused_before_sending()
    {
        await using var h = await AzureSearchHarness.StartAsync(o => o.VectorDimensions = 8);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => h.Index.UpsertAsync(
            [new IndexedChunk("a", "d", "d.txt", "d:1", 1, "x", new float[5])], CancellationToken.None));
        Assert.Contains("5-dimension", e.Message, StringComparison.Ordinal);
        Assert.Empty(h.Server.RequestsTo("/docs/search.index"));
    }

    [Fact]
    public async Task Throttled_documents_in_a_207_are_sent_again_and_other_failures_throw()
    {
        await using var h = await AzureSearchHarness.StartAsync(o => o.VectorDimensions = 8);
        var chunks = Enumerable.Range(1, 5).Select(i => new IndexedChunk("a", "d", "d.txt", $"d:{i}", i, $"text {i}", new float[8] { 1, 0, 0, 0, 0, 0, 0, i })).ToList();
        h.Server.ItemFaults[AzureSearchSchema.Key("a", "d:2")] = 503;
        await h.Index.UpsertAsync(chunks, CancellationToken.None);
        var batches = h.Server.RequestsTo("/docs/search.index").Select(r => r.Body!["value"]!.AsArray().Count).ToList();
        Assert.Equal([5, 1], batches);
        Assert.Equal(5, h.Server.Index("knowledge")!.Documents.Count);

        h.Server.ItemFaults[AzureSearchSchema.Key("a", "d:3")] = 400;
        var e = await Assert.ThrowsAsync<AzureSearchIndexException>(() => h.Index.UpsertAsync(chunks, CancellationToken.None));
        Assert.Equal(207, e.Status);
        Assert.Contains("1 of 5 failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("'knowledge'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_by_document_removes_its_chunks_and_parents_only()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("a");
        await h.AddDocumentAsync("a", "doc1", ["Solar panels convert sunlight.", "Batteries store electricity."]);
        await h.AddParentChildDocumentAsync("a", "doc2", [("Parent text about solar farms.", ["Solar farms are big.", "They need land."])]);
        await h.AddDocumentAsync("a", "doc3", ["Solar heaters warm water."]);

        Assert.Equal(3, await h.Index.DeleteDocumentAsync("a", "doc2", CancellationToken.None));
        Assert.Equal(2, await h.Index.DeleteDocumentAsync("a", "doc1", CancellationToken.None));
        Assert.Equal(0, await h.Index.DeleteDocumentAsync("a", "doc1", CancellationToken.None));
        var left = h.Server.Index("knowledge")!.Documents.Values.Select(d => d["segment_id"]!.GetValue<string>()).ToList();
        Assert.Equal(["doc3:1"], left);
        var found = await h.RetrieveAsync("solar", Workflows.Knowledge.SearchMethod.FullText);
        Assert.Equal(["doc3:1"], found.Select(c => c.SegmentId));
    }

    [Fact]
    public async Task Metadata_update_merges_into_every_chunk_of_the_document()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("a");
        await h.AddDocumentAsync("a", "doc1", ["Solar panels.", "Solar batteries."], new JsonObject { ["author"] = "ann" });
        Assert.Equal(2, await h.Index.UpdateDocumentMetadataAsync("a", "doc1", new JsonObject { ["author"] = "bob" }, CancellationToken.None));
        var merge = h.Server.RequestsTo("/docs/search.index").Last().Body!["value"]!.AsArray();
        Assert.All(merge, a => Assert.Equal("merge", a!["@search.action"]!.GetValue<string>()));
        var found = await h.Index.RetrieveAsync(new Workflows.Knowledge.KnowledgeQuery(["a"], "solar", 5, Workflows.Knowledge.SearchMethod.FullText,
            MetadataFilter: new("and", [new("author", "is", "bob")])), CancellationToken.None);
        Assert.Equal(2, found.Count);
        Assert.All(found, c => Assert.Equal("bob", c.DocMetadata!["author"]!.GetValue<string>()));
        Assert.Equal(["Solar panels.", "Solar batteries."], found.Select(c => c.Content).Order(StringComparer.Ordinal).Reverse());
    }
}
