using Dify.Models;
using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Testing.Rerank;
using Microsoft.Extensions.Options;

namespace Dify.Models.Tests;

/// <summary>The /rerank adapter against a real local server speaking the Jina/Cohere/Xinference/vLLM wire format.</summary>
public sealed class RerankTests
{
    private static ModelProviders Providers(RerankServer server, string? header = null) => new(Options.Create(new ModelsOptions
    {
        Default = new ModelEndpointOptions { Endpoint = "http://127.0.0.1:9/v1", ApiKey = "default-key" },
        Providers = { ["xinference"] = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = "rk-1", ApiKeyHeader = header } },
        MaxRetries = 0,
    }));

    [Fact]
    public async Task Scores_come_back_best_first_cut_to_top_n_with_the_request_on_the_wire()
    {
        await using var server = await RerankServer.StartAsync();
        server.ExpectedApiKey = "rk-1";
        var models = Providers(server);
        string[] documents = ["ovens bake bread", "the torque of an M8 bolt is 25 Nm", "M8 bolt thread pitch", "bolt"];

        var result = await models.Rerank.RerankAsync("langgenius/xinference/xinference", "bge-reranker-v2-m3", "M8 bolt torque", documents, 2, CancellationToken.None);

        Assert.Equal([(1, 1.0), (2, Math.Round(2 / 3.0, 6))], result.Results.Select(r => (r.Index, r.RelevanceScore)));
        var request = Assert.Single(server.Requests);
        Assert.Equal(("bge-reranker-v2-m3", "M8 bolt torque", 2, "Bearer rk-1"), (request.Model, request.Query, request.TopN, request.Authorization));
        Assert.Equal(documents, request.Documents);
    }

    [Fact]
    public async Task Unconfigured_provider_names_the_model_and_the_setting_and_never_uses_the_default_endpoint()
    {
        await using var server = await RerankServer.StartAsync();
        var models = Providers(server);

        var e = await Assert.ThrowsAsync<ModelProviderException>(() => models.Rerank.RerankAsync("cohere", "rerank-english-v3.0", "q", ["a"], null, CancellationToken.None));

        Assert.StartsWith("Model rerank-english-v3.0 credentials is not initialized", e.Message, StringComparison.Ordinal);
        Assert.Contains("Models:Providers:cohere:Endpoint", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("default-key", e.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Server_errors_and_wrong_keys_surface_with_status_and_provider()
    {
        await using var server = await RerankServer.StartAsync();
        server.ExpectedApiKey = "another-key";
        var models = Providers(server);

        var unauthorized = await Assert.ThrowsAsync<ModelProviderException>(() => models.Rerank.RerankAsync("xinference", "m", "q", ["a"], 1, CancellationToken.None));
        Assert.Equal((401, "xinference"), (unauthorized.StatusCode, unauthorized.Provider));
        Assert.Contains("invalid api token", unauthorized.Message, StringComparison.Ordinal);

        server.ExpectedApiKey = null;
        server.FailWith = 503;
        var failed = await Assert.ThrowsAsync<ModelProviderException>(() => models.Rerank.RerankAsync("xinference", "m", "q", ["a"], 1, CancellationToken.None));
        Assert.Equal(503, failed.StatusCode);
    }

    [Fact]
    public async Task A_busy_server_is_retried_with_backoff()
    {
        await using var server = await RerankServer.StartAsync();
        server.FailWith = 503;
        server.FailCount = 2;
        var models = new ModelProviders(Options.Create(new ModelsOptions
        {
            Providers = { ["vllm"] = new ModelEndpointOptions { Endpoint = server.Endpoint } },
            MaxRetries = 2,
            RetryBaseDelaySeconds = 0.01,
        }));

        var result = await models.Rerank.RerankAsync("vllm", "bge-reranker-base", "bolt", ["nut", "bolt"], 1, CancellationToken.None);

        Assert.Equal(1, Assert.Single(result.Results).Index);
        Assert.Single(server.Requests); // the two refused requests were not scored
    }

    [Fact]
    public async Task A_custom_key_header_carries_the_key_instead_of_bearer()
    {
        await using var server = await RerankServer.StartAsync();
        var models = Providers(server, header: "api-key");

        var result = await models.Rerank.RerankAsync("xinference", "m", "bolt", ["bolt", "nut"], null, CancellationToken.None);

        Assert.Equal(2, result.Results.Count);
        Assert.Null(Assert.Single(server.Requests).Authorization);
    }
}
