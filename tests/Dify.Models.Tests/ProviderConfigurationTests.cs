using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dify.Models.Tests;

public sealed class ProviderConfigurationTests
{
    [Theory]
    [InlineData("langgenius/openai/openai", "openai")]
    [InlineData("OpenAI", "openai")]
    [InlineData(" langgenius/azure_openai/Azure_OpenAI ", "azure_openai")]
    [InlineData("ollama", "ollama")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Provider_names_are_normalised(string? input, string expected) =>
        Assert.Equal(expected, ProviderNames.Normalize(input));

    [Fact]
    public async Task Unconfigured_provider_falls_back_to_default_and_configured_one_is_used()
    {
        await using var defaultServer = await OpenAiCompatibleServer.StartAsync();
        await using var ollama = await OpenAiCompatibleServer.StartAsync();
        defaultServer.ExpectedApiKey = TestModels.ApiKey;
        var models = TestModels.For(defaultServer, o =>
            o.Providers["Ollama"] = new ModelEndpointOptions { Endpoint = ollama.Endpoint, Model = "llama3.2" });

        await models.Chat.CompleteAsync(TestModels.Ask("to default", provider: "langgenius/anthropic/anthropic", model: "claude"), null, CancellationToken.None);
        var local = await models.Chat.CompleteAsync(TestModels.Ask("to ollama", provider: "langgenius/ollama/ollama", model: "whatever"), null, CancellationToken.None);

        Assert.Equal("to default", Assert.Single(defaultServer.Requests).LastUserText);
        Assert.Equal("claude", defaultServer.Requests[0].Model);
        var request = Assert.Single(ollama.Requests);
        Assert.Equal("llama3.2", request.Model); // forced per-provider model
        Assert.Equal("llama3.2", local.Model);
        Assert.Null(request.Authorization); // provider with its own endpoint and no key: no auth header, default key not leaked
    }

    [Fact]
    public async Task Default_model_is_forced_for_every_call()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server, o => o.Default.Model = "qwen2.5:7b");

        await models.Chat.CompleteAsync(TestModels.Ask("x", model: "gpt-4"), null, CancellationToken.None);
        await models.Embeddings.EmbedAsync("openai", "text-embedding-ada-002", ["x"], CancellationToken.None);

        Assert.Equal("qwen2.5:7b", Assert.Single(server.Requests).Model);
        Assert.Equal("qwen2.5:7b", Assert.Single(server.EmbeddingRequests).Model);
    }

    [Fact]
    public async Task Provider_entry_without_endpoint_inherits_default_endpoint_and_key()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.ExpectedApiKey = TestModels.ApiKey;
        var models = TestModels.For(server, o => o.Providers["openai"] = new ModelEndpointOptions { Model = "gpt-4.1" });

        await models.Chat.CompleteAsync(TestModels.Ask("x", provider: "langgenius/openai/openai", model: "gpt-4"), null, CancellationToken.None);

        Assert.Equal("gpt-4.1", Assert.Single(server.Requests).Model);
    }

    [Fact]
    public async Task Api_key_header_option_sends_api_key_header()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server, o => o.Default.ApiKeyHeader = "api-key");

        await models.Chat.CompleteAsync(TestModels.Ask("x"), null, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal(TestModels.ApiKey, request.Headers["api-key"]);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task Missing_configuration_gives_a_clear_message()
    {
        var models = new ModelProviders(Options.Create(new ModelsOptions()));

        var ex = await Assert.ThrowsAsync<ModelProviderException>(
            () => models.Chat.CompleteAsync(TestModels.Ask("x", provider: "langgenius/openai/openai"), null, CancellationToken.None));

        Assert.StartsWith("No model endpoint configured for provider 'openai': set Models:Default:Endpoint (env Models__Default__Endpoint)", ex.Message);
        Assert.Equal("openai", ex.Provider);
        await Assert.ThrowsAsync<ModelProviderException>(() => models.Embeddings.EmbedAsync("x", "m", ["a"], CancellationToken.None));
    }

    [Fact]
    public void Invalid_endpoint_url_is_reported()
    {
        var models = new ModelProviders(Options.Create(new ModelsOptions { Default = new ModelEndpointOptions { Endpoint = "localhost:11434" } }));

        var ex = Assert.Throws<ModelProviderException>(() => models.Resolve("ollama"));

        Assert.Contains("not an absolute http(s) URL", ex.Message);
    }

    [Fact]
    public void Resolved_endpoint_never_shows_the_key()
    {
        var models = new ModelProviders(Options.Create(new ModelsOptions
        {
            Default = new ModelEndpointOptions { Endpoint = "https://api.openai.com/v1", ApiKey = "sk-secret" },
        }));

        var resolved = models.Resolve("openai");

        Assert.Equal("sk-secret", resolved.ApiKey);
        Assert.DoesNotContain("sk-secret", resolved.ToString());
    }

    [Fact]
    public async Task Environment_variable_style_configuration_binds_through_AddDifyModels()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var azure = await OpenAiCompatibleServer.StartAsync();
        server.ExpectedApiKey = "env-key";
        azure.ExpectedApiKey = "azure-key";
        var prefix = $"DIFYTEST_{Guid.NewGuid():N}_";
        var variables = new Dictionary<string, string>
        {
            ["Models__Default__Endpoint"] = server.Endpoint,
            ["Models__Default__ApiKey"] = "env-key",
            ["Models__Providers__azure_openai__Endpoint"] = azure.Endpoint + "/",
            ["Models__Providers__azure_openai__ApiKey"] = "azure-key",
            ["Models__Providers__azure_openai__Model"] = "my-deployment",
            ["Models__MaxRetries"] = "0",
            ["Models__EmbeddingBatchSize"] = "2",
        };
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(prefix + name, value);
            }

            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            using var services = new ServiceCollection().AddDifyModels(configuration.GetSection(ModelsOptions.SectionName)).BuildServiceProvider();
            var models = services.GetRequiredService<IModelProviders>();

            Assert.Same(models.Chat, services.GetRequiredService<IChatModel>());
            Assert.Same(models.Embeddings, services.GetRequiredService<Embeddings.IEmbeddingModel>());
            var options = services.GetRequiredService<IOptions<ModelsOptions>>().Value;
            Assert.Equal(0, options.MaxRetries);
            Assert.Equal(2, options.EmbeddingBatchSize);

            await models.Chat.CompleteAsync(TestModels.Ask("hello env", provider: "langgenius/openai/openai"), null, CancellationToken.None);
            await models.Chat.CompleteAsync(TestModels.Ask("hello azure", provider: "langgenius/azure_openai/azure_openai", model: "gpt-4o"), null, CancellationToken.None);
            await models.Embeddings.EmbedAsync("openai", "e", ["a", "b", "c"], CancellationToken.None);

            Assert.Equal("hello env", Assert.Single(server.Requests).LastUserText);
            var azureRequest = Assert.Single(azure.Requests);
            Assert.Equal("my-deployment", azureRequest.Model);
            Assert.Equal("Bearer azure-key", azureRequest.Authorization);
            Assert.Equal([2, 1], server.EmbeddingRequests.Select(r => r.Inputs.Count));
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }

    [Fact]
    public async Task Server_ModelsConfiguration_points_AddDifyModels_at_the_server()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.ExpectedApiKey = "k1";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(server.ModelsConfiguration(model: "forced")).Build();
        using var services = new ServiceCollection().AddDifyModels(configuration.GetSection("Models")).BuildServiceProvider();

        var result = await services.GetRequiredService<IChatModel>().CompleteAsync(TestModels.Ask("via config"), null, CancellationToken.None);

        Assert.Equal("via config", result.Text);
        Assert.Equal("forced", Assert.Single(server.Requests).Model);
    }

    [Fact]
    public void In_memory_configuration_with_colon_keys_binds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Models:Default:Endpoint"] = "http://localhost:11434/v1",
            ["Models:Providers:langgenius/openai/openai:Endpoint"] = "https://api.openai.com/v1",
            ["Models:Providers:langgenius/openai/openai:ApiKey"] = "sk-1",
        }).Build();
        using var services = new ServiceCollection().AddDifyModels(configuration.GetSection("Models")).BuildServiceProvider();
        var models = services.GetRequiredService<ModelProviders>();

        Assert.Equal("https://api.openai.com/v1", models.Resolve("OPENAI").Endpoint.ToString());
        Assert.False(models.Resolve("openai").IsDefault);
        Assert.Equal("http://localhost:11434/v1", models.Resolve("ollama").Endpoint.ToString());
        Assert.True(models.Resolve("ollama").IsDefault);
        Assert.Null(models.Resolve("ollama").ApiKey);
    }
}
