using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;
using Microsoft.Extensions.Options;

namespace Dify.Models.Tests;

internal static class TestModels
{
    public const string ApiKey = "sk-test-123";

    /// <summary>Providers whose Default endpoint is the server (key <see cref="ApiKey"/>, no retries).</summary>
    public static ModelProviders For(OpenAiCompatibleServer server, Action<ModelsOptions>? configure = null)
    {
        var options = new ModelsOptions
        {
            Default = new ModelEndpointOptions { Endpoint = server.Endpoint, ApiKey = ApiKey },
            MaxRetries = 0,
            TimeoutSeconds = 30,
        };
        configure?.Invoke(options);
        return new ModelProviders(Options.Create(options));
    }

    public static Chat.ChatRequest Ask(string text, string provider = "openai", string model = "gpt-4o-mini") =>
        new(provider, model, [Chat.ChatMessage.FromText(Chat.ChatRole.User, text)]);
}
