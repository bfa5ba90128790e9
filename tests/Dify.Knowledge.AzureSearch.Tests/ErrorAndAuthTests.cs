using Azure.Core;
using Dify.Knowledge.AzureSearch.Tests.Server;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests;

public sealed class ErrorAndAuthTests
{
    [Fact]
    public async Task A_wrong_key_is_a_403_naming_the_index_and_never_the_key()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("a");
        var wrong = new AzureSearchKnowledgeIndex(
            AzureSearchHarness.Configure(new AzureSearchOptions { Endpoint = h.Server.Endpoint, IndexName = "knowledge", ApiKey = "not-the-key" }, h.Server), h.Catalog, h.Embeddings);
        var e = await Assert.ThrowsAsync<KnowledgeRetrievalException>(() =>
            wrong.RetrieveAsync(new KnowledgeQuery(["a"], "solar", 3, SearchMethod.FullText), CancellationToken.None));
        Assert.Contains("'knowledge'", e.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key", e.Message, StringComparison.Ordinal);
        Assert.Single(h.Server.RequestsTo("/docs/search.post.search")); // 403 is not retried
    }

    [Fact]
    public void Options_are_checked_up_front()
    {
        var catalog = new InMemoryDatasetCatalog();
        var http = Assert.Throws<ArgumentException>(() => new AzureSearchKnowledgeIndex(new AzureSearchOptions { Endpoint = new Uri("http://localhost:1"), ApiKey = "k" }, catalog, null));
        Assert.Contains("must be https", http.Message, StringComparison.Ordinal);
        var noAuth = Assert.Throws<ArgumentException>(() => new AzureSearchKnowledgeIndex(new AzureSearchOptions { Endpoint = new Uri("https://x.search.windows.net") }, catalog, null));
        Assert.Contains("ApiKey or a Credential", noAuth.Message, StringComparison.Ordinal);
        var batch = Assert.Throws<ArgumentException>(() => new AzureSearchKnowledgeIndex(new AzureSearchOptions { Endpoint = new Uri("https://x.search.windows.net"), ApiKey = "k", BatchSize = 1001 }, catalog, null));
        Assert.Contains("1..1000", batch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_index_is_a_404_for_reads_and_writes()
    {
        await using var h = await AzureSearchHarness.StartAsync(ensureIndex: false);
        h.AddDataset("a");
        var read = await Assert.ThrowsAsync<KnowledgeRetrievalException>(() => h.RetrieveAsync("solar", SearchMethod.FullText));
        Assert.Contains("index 'knowledge' was not found (HTTP 404)", read.Message, StringComparison.Ordinal);
        var write = await Assert.ThrowsAsync<AzureSearchIndexException>(() => h.AddDocumentAsync("a", "d", ["text"]));
        Assert.Equal(404, write.Status);
        Assert.Equal("knowledge", write.IndexName);
    }

    [Fact]
    public async Task A_503_is_retried_by_the_sdk_and_a_lasting_one_is_reported()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("a");
        await h.AddDocumentAsync("a", "d", ["Solar power is clean."]);

        h.Server.FailNext(503, 2);
        var found = await h.RetrieveAsync("solar", SearchMethod.FullText);
        Assert.Single(found);
        Assert.Equal(3, h.Server.RequestsTo("/docs/search.post.search").Count());

        h.Server.FailNext(503, 10);
        var e = await Assert.ThrowsAsync<KnowledgeRetrievalException>(() => h.RetrieveAsync("solar", SearchMethod.FullText));
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Contains("'knowledge'", e.Message, StringComparison.Ordinal);
        Assert.Equal(3 + 4, h.Server.RequestsTo("/docs/search.post.search").Count()); // 1 try + 3 retries
    }

    [Fact]
    public async Task A_query_vector_of_another_size_is_a_clear_error()
    {
        await using var h = await AzureSearchHarness.StartAsync(o => o.VectorDimensions = 8);
        h.AddDataset("a");
        await h.Index.UpsertAsync([new IndexedChunk("a", "d", "d.txt", "d:1", 1, "x", new float[8] { 1, 0, 0, 0, 0, 0, 0, 0 })], CancellationToken.None);
        var e = await Assert.ThrowsAsync<KnowledgeRetrievalException>(() => h.RetrieveAsync("x", SearchMethod.Semantic));
        Assert.Contains("384-dimension", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_credentials_send_a_bearer_token_and_no_key()
    {
        await using var server = await SearchServer.StartAsync();
        server.BearerToken = "entra-token";
        await using var h = await AzureSearchHarness.StartAsync(o =>
        {
            o.ApiKey = null;
            o.Credential = new StaticToken("entra-token");
        }, server: server);
        Assert.StartsWith("https://", h.Server.Endpoint.ToString(), StringComparison.Ordinal);
        h.AddDataset("a");
        await h.AddDocumentAsync("a", "d", ["Solar power is clean."]);
        Assert.Single(await h.RetrieveAsync("solar", SearchMethod.Hybrid));
        Assert.All(server.Requests, r =>
        {
            Assert.Equal("Bearer entra-token", r.Headers["authorization"]);
            Assert.False(r.Headers.ContainsKey("api-key"));
        });
    }

    private sealed class StaticToken(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
