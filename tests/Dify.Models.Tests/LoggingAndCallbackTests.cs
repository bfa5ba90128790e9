using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;
using Microsoft.Extensions.Options;

namespace Dify.Models.Tests;

public sealed class LoggingAndCallbackTests
{
    [Fact]
    public async Task Logs_are_structured_and_never_contain_the_api_key()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.ExpectedApiKey = TestModels.ApiKey;
        var logs = new ListLoggerProvider();
        var models = new ModelProviders(Options.Create(new ModelsOptions
        {
            Default = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = TestModels.ApiKey },
            Providers = { ["bad"] = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = "sk-wrong-key" } },
            MaxRetries = 0,
        }), logs);

        await models.Chat.CompleteAsync(TestModels.Ask("hi"), null, CancellationToken.None);
        await models.Embeddings.EmbedAsync("openai", "e", ["x"], CancellationToken.None);
        await Assert.ThrowsAsync<Chat.ModelProviderException>(() => models.Chat.CompleteAsync(TestModels.Ask("hi", provider: "bad"), null, CancellationToken.None));

        var lines = logs.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("Provider=openai") && l.Contains("PromptTokens=1") && l.Contains("CompletionTokens=1"));
        Assert.Contains(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("StatusCode=401") && l.Contains("Provider=bad"));
        Assert.Contains(lines, l => l.Contains("Embedded 1 inputs"));
        Assert.All(lines, l =>
        {
            Assert.DoesNotContain(TestModels.ApiKey, l);
            Assert.DoesNotContain("sk-wrong-key", l);
        });
    }

    [Fact]
    public async Task Exceptions_from_onDelta_are_not_wrapped_as_provider_errors()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => models.Chat.CompleteAsync(
            TestModels.Ask("a b c"), _ => throw new InvalidOperationException("sink full"), CancellationToken.None));

        Assert.Equal("sink full", ex.Message);
    }
}
