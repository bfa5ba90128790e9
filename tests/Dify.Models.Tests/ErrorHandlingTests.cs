using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Models.Tests;

public sealed class ErrorHandlingTests
{
    [Fact]
    public async Task Wrong_api_key_is_401_naming_the_provider()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.ExpectedApiKey = "the-right-key";
        var models = TestModels.For(server);

        var ex = await Assert.ThrowsAsync<ModelProviderException>(
            () => models.Chat.CompleteAsync(TestModels.Ask("x", provider: "langgenius/openai/openai"), null, CancellationToken.None));

        Assert.Equal("Model provider 'openai' returned 401: Incorrect API key provided.", ex.Message);
        Assert.Equal(401, ex.StatusCode);
        Assert.DoesNotContain(TestModels.ApiKey, ex.ToString());
    }

    [Theory]
    [InlineData(429, "Rate limit reached")]
    [InlineData(500, "The server had an error")]
    [InlineData(400, "Invalid 'messages'")]
    public async Task Http_errors_become_ModelProviderException_with_status(int status, string message)
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.Error(status, message);
        var models = TestModels.For(server);

        var plain = await Assert.ThrowsAsync<ModelProviderException>(
            () => models.Chat.CompleteAsync(TestModels.Ask("x", provider: "deepseek"), null, CancellationToken.None));
        var streamed = await Assert.ThrowsAsync<ModelProviderException>(
            () => models.Chat.CompleteAsync(TestModels.Ask("x", provider: "deepseek"), _ => ValueTask.CompletedTask, CancellationToken.None));

        foreach (var ex in new[] { plain, streamed })
        {
            Assert.Equal($"Model provider 'deepseek' returned {status}: {message}", ex.Message);
            Assert.Equal(status, ex.StatusCode);
            Assert.Equal("deepseek", ex.Provider);
        }

        Assert.Equal(2, server.ChatRequestCount); // MaxRetries = 0
    }

    [Fact]
    public async Task Retries_429_and_5xx_then_succeeds()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var calls = 0;
        server.Responder = r => Interlocked.Increment(ref calls) switch
        {
            1 => ChatReply.Error(429, "slow down") with { RetryAfter = TimeSpan.FromMilliseconds(10) },
            2 => ChatReply.Error(503, "busy") with { RetryAfter = TimeSpan.FromMilliseconds(10) },
            _ => ChatReply.FromText("finally"),
        };
        var models = TestModels.For(server, o =>
        {
            o.MaxRetries = 2;
            o.RetryBaseDelaySeconds = 0.01;
        });
        var stopwatch = Stopwatch.StartNew();

        var result = await models.Chat.CompleteAsync(TestModels.Ask("x"), null, CancellationToken.None);

        Assert.Equal("finally", result.Text);
        Assert.Equal(3, server.ChatRequestCount);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"retries took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Retries_are_bounded_by_MaxRetries()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.Error(500, "down");
        var models = TestModels.For(server, o =>
        {
            o.MaxRetries = 2;
            o.RetryBaseDelaySeconds = 0.01;
        });

        var ex = await Assert.ThrowsAsync<ModelProviderException>(() => models.Chat.CompleteAsync(TestModels.Ask("x"), null, CancellationToken.None));

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal(3, server.ChatRequestCount);
    }

    [Fact]
    public async Task Server_retry_after_is_honoured()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var calls = 0;
        server.Responder = _ => Interlocked.Increment(ref calls) == 1
            ? ChatReply.Error(429, "wait") with { RetryAfter = TimeSpan.FromMilliseconds(600) }
            : ChatReply.FromText("ok");
        var models = TestModels.For(server, o =>
        {
            o.MaxRetries = 1;
            o.RetryBaseDelaySeconds = 0.01;
        });
        var stopwatch = Stopwatch.StartNew();

        var result = await models.Chat.CompleteAsync(TestModels.Ask("x"), null, CancellationToken.None);

        Assert.Equal("ok", result.Text);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(550), $"retried after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Unreachable_server_is_a_ModelProviderException()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var models = new ModelProviders(Microsoft.Extensions.Options.Options.Create(new ModelsOptions
        {
            Default = new ModelEndpointOptions { Endpoint = $"http://127.0.0.1:{port}/v1" },
            MaxRetries = 0,
        }));

        var ex = await Assert.ThrowsAsync<ModelProviderException>(() => models.Chat.CompleteAsync(TestModels.Ask("x", provider: "ollama"), null, CancellationToken.None));

        Assert.StartsWith("Model provider 'ollama' could not be reached", ex.Message);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task Invalid_json_answer_is_a_ModelProviderException()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => throw new InvalidOperationException("boom");
        var models = TestModels.For(server);

        var ex = await Assert.ThrowsAsync<ModelProviderException>(() => models.Chat.CompleteAsync(TestModels.Ask("x"), null, CancellationToken.None));

        Assert.Equal("Model provider 'openai' returned 500: Responder failed: boom", ex.Message);
    }

    [Fact]
    public async Task Caller_cancellation_is_honoured_quickly()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("late") with { Delay = TimeSpan.FromSeconds(20) };
        var models = TestModels.For(server);
        var stopwatch = Stopwatch.StartNew();

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.Chat.CompleteAsync(TestModels.Ask("x"), null, cts.Token));
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.Chat.CompleteAsync(TestModels.Ask("x"), _ => ValueTask.CompletedTask, cts2.Token));
        using var cts3 = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        server.EmbeddingResponder = _ => new EmbeddingReply { Delay = TimeSpan.FromSeconds(20) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => models.Embeddings.EmbedAsync("openai", "e", ["x"], cts3.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Timeout_is_a_ModelProviderException()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("late") with { Delay = TimeSpan.FromSeconds(20) };
        var models = TestModels.For(server, o => o.TimeoutSeconds = 0.3);

        var ex = await Assert.ThrowsAsync<ModelProviderException>(() => models.Chat.CompleteAsync(TestModels.Ask("x"), null, CancellationToken.None));

        Assert.Equal("Model provider 'openai' timed out after 0.3s.", ex.Message);
        Assert.Equal(408, ex.StatusCode);
    }

    [Fact]
    public async Task Tool_message_without_id_is_rejected_before_sending()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        var ex = await Assert.ThrowsAsync<ModelProviderException>(() => models.Chat.CompleteAsync(
            new ChatRequest("openai", "m", [ChatMessage.FromText(ChatRole.Tool, "result")]), null, CancellationToken.None));

        Assert.Contains("no ToolCallId", ex.Message);
        Assert.Equal(0, server.ChatRequestCount);
    }
}
