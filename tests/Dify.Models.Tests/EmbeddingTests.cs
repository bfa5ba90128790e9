using Dify.Models.Chat;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Models.Tests;

public sealed class EmbeddingTests
{
    [Fact]
    public async Task Vectors_come_back_in_input_order_across_batches()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server, o => o.EmbeddingBatchSize = 4);
        var inputs = Enumerable.Range(0, 10).Select(i => $"document number {i} about topic {i % 3}").ToList();

        var result = await models.Embeddings.EmbedAsync("openai", "text-embedding-3-small", inputs, CancellationToken.None);

        Assert.Equal(10, result.Vectors.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            Assert.Equal(DeterministicEmbedder.Embed(inputs[i]), result.Vectors[i]);
        }

        Assert.Equal([4, 4, 2], server.EmbeddingRequests.Select(r => r.Inputs.Count));
        Assert.Equal(inputs, server.EmbeddingRequests.SelectMany(r => r.Inputs));
        Assert.All(server.EmbeddingRequests, r => Assert.Equal("float", r.EncodingFormat));
        Assert.All(server.EmbeddingRequests, r => Assert.Equal("text-embedding-3-small", r.Model));
        Assert.Equal(inputs.Sum(TokenEstimate.Count), result.PromptTokens);
    }

    [Fact]
    public async Task Default_batch_size_is_64()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        var result = await models.Embeddings.EmbedAsync("openai", "e", Enumerable.Range(0, 130).Select(i => $"t{i}").ToList(), CancellationToken.None);

        Assert.Equal(130, result.Vectors.Count);
        Assert.Equal([64, 64, 2], server.EmbeddingRequests.Select(r => r.Inputs.Count));
    }

    [Fact]
    public async Task Texts_sharing_words_are_more_similar()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        var result = await models.Embeddings.EmbedAsync("openai", "e",
            ["The cat sat on the mat", "A cat on a mat", "Quarterly revenue grew strongly"], CancellationToken.None);

        Assert.Equal(64, result.Vectors[0].Length);
        var related = DeterministicEmbedder.Cosine(result.Vectors[0], result.Vectors[1]);
        var unrelated = DeterministicEmbedder.Cosine(result.Vectors[0], result.Vectors[2]);
        Assert.True(related > unrelated + 0.3, $"related {related}, unrelated {unrelated}");
        Assert.Equal(1.0, DeterministicEmbedder.Cosine(result.Vectors[0], result.Vectors[0]), 5);
    }

    [Fact]
    public async Task Empty_input_makes_no_request()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        var result = await models.Embeddings.EmbedAsync("openai", "e", [], CancellationToken.None);

        Assert.Empty(result.Vectors);
        Assert.Equal(0, server.EmbeddingRequestCount);
    }

    [Fact]
    public async Task Embedding_errors_name_provider_and_status()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.EmbeddingResponder = _ => EmbeddingReply.Error(503, "overloaded");
        var models = TestModels.For(server);

        var ex = await Assert.ThrowsAsync<ModelProviderException>(
            () => models.Embeddings.EmbedAsync("langgenius/openai/openai", "e", ["x"], CancellationToken.None));

        Assert.Equal("Model provider 'openai' returned 503: overloaded", ex.Message);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("openai", ex.Provider);
    }

    [Fact]
    public async Task Wrong_number_of_vectors_is_an_invalid_answer()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.EmbeddingResponder = _ => new EmbeddingReply { Vectors = [new float[] { 1, 0 }] };
        var models = TestModels.For(server);

        var ex = await Assert.ThrowsAsync<ModelProviderException>(
            () => models.Embeddings.EmbedAsync("openai", "e", ["a", "b"], CancellationToken.None));

        Assert.Contains("invalid answer", ex.Message);
        Assert.Contains("'openai'", ex.Message);
    }
}
