using Dify.Models.Chat;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Models.Tests;

public sealed class ChatCompletionTests
{
    [Fact]
    public async Task NonStreaming_returns_text_usage_finish_reason_and_model()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        var result = await models.Chat.CompleteAsync(
            new ChatRequest("openai", "gpt-4o-mini",
            [
                ChatMessage.FromText(ChatRole.System, "You are terse."),
                ChatMessage.FromText(ChatRole.User, "hello there world"),
            ]),
            null, CancellationToken.None);

        Assert.Equal("hello there world", result.Text);
        Assert.Equal("stop", result.FinishReason);
        Assert.Equal("gpt-4o-mini", result.Model);
        Assert.Equal(6, result.Usage.PromptTokens); // "You are terse." 3 + 3
        Assert.Equal(3, result.Usage.CompletionTokens);
        Assert.True(result.Usage.LatencySeconds > 0);
        Assert.Empty(result.ToolCalls);
        Assert.Null(result.ReasoningContent);

        var request = Assert.Single(server.Requests);
        Assert.False(request.Stream);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("You are terse.", request.Messages[0].Text);
        Assert.Equal("Bearer " + TestModels.ApiKey, request.Authorization);
    }

    [Fact]
    public async Task Streaming_reports_deltas_that_concatenate_to_the_text_and_usage()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "The quick brown fox jumps", ChunkSize = 3 };
        var models = TestModels.For(server);
        var deltas = new List<string>();

        var result = await models.Chat.CompleteAsync(TestModels.Ask("go"), d =>
        {
            if (d.Text is not null)
            {
                deltas.Add(d.Text);
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal("The quick brown fox jumps", result.Text);
        Assert.Equal(result.Text, string.Concat(deltas));
        Assert.Equal(9, deltas.Count);
        Assert.Equal("stop", result.FinishReason);
        Assert.Equal(1, result.Usage.PromptTokens);
        Assert.Equal(5, result.Usage.CompletionTokens);
        var request = Assert.Single(server.Requests);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
    }

    [Fact]
    public async Task Reasoning_content_is_surfaced_non_streaming_and_streaming()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "42", Reasoning = "Let me think about it" };
        var models = TestModels.For(server);

        var plain = await models.Chat.CompleteAsync(TestModels.Ask("q"), null, CancellationToken.None);
        Assert.Equal("42", plain.Text);
        Assert.Equal("Let me think about it", plain.ReasoningContent);

        var reasoningDeltas = new List<string>();
        var streamed = await models.Chat.CompleteAsync(TestModels.Ask("q"), d =>
        {
            if (d.Reasoning is not null)
            {
                reasoningDeltas.Add(d.Reasoning);
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        Assert.Equal("42", streamed.Text);
        Assert.Equal("Let me think about it", streamed.ReasoningContent);
        Assert.Equal(5, reasoningDeltas.Count);
    }

    [Fact]
    public async Task Think_tags_stay_in_the_text()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("<think>hmm</think>Answer");
        var models = TestModels.For(server);

        var result = await models.Chat.CompleteAsync(TestModels.Ask("q"), _ => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal("<think>hmm</think>Answer", result.Text);
        Assert.Null(result.ReasoningContent);
    }
}
