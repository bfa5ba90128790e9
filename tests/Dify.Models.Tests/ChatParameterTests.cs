using System.Text.Json.Nodes;
using Dify.Models.Chat;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Models.Tests;

public sealed class ChatParameterTests
{
    [Fact]
    public async Task Completion_params_reach_the_wire()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);
        var request = TestModels.Ask("hi") with
        {
            Parameters = new ChatParameters(
                Temperature: 0.25, TopP: 0.5, MaxTokens: 77, Stop: ["END", "###"],
                PresencePenalty: 0.1, FrequencyPenalty: 0.2, Seed: 1234),
        };

        await models.Chat.CompleteAsync(request, null, CancellationToken.None);

        var wire = Assert.Single(server.Requests);
        Assert.Equal(0.25, wire.Temperature!.Value, 5);
        Assert.Equal(0.5, wire.TopP!.Value, 5);
        Assert.Equal(77, wire.MaxTokens);
        Assert.Equal(77, wire.Body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal(["END", "###"], wire.Stop);
        Assert.Equal(0.1, wire.PresencePenalty!.Value, 5);
        Assert.Equal(0.2, wire.FrequencyPenalty!.Value, 5);
        Assert.Equal(1234, wire.Seed);
        Assert.Null(wire.ResponseFormatType);
    }

    [Fact]
    public async Task MaxTokensField_max_tokens_sends_the_legacy_field()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server, o => o.Default.MaxTokensField = "max_tokens");

        await models.Chat.CompleteAsync(TestModels.Ask("hi") with { Parameters = new ChatParameters(MaxTokens: 12) }, null, CancellationToken.None);

        var wire = Assert.Single(server.Requests);
        Assert.Equal(12, wire.Body["max_tokens"]!.GetValue<int>());
        Assert.Null(wire.Body["max_completion_tokens"]);
    }

    [Fact]
    public async Task Json_schema_response_format_is_sent_with_dify_wrapper()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);
        var schema = JsonNode.Parse("""{"name":"person","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}""")!.AsObject();

        await models.Chat.CompleteAsync(
            TestModels.Ask("hi") with { Parameters = new ChatParameters(ResponseFormat: "json_schema", JsonSchema: schema) },
            null, CancellationToken.None);

        var wire = Assert.Single(server.Requests);
        Assert.Equal("json_schema", wire.ResponseFormatType);
        Assert.Equal("person", wire.JsonSchema!["name"]!.GetValue<string>());
        Assert.True(wire.JsonSchema["strict"]!.GetValue<bool>());
        Assert.Equal("object", wire.JsonSchema["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("name", wire.JsonSchema["schema"]!["required"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Bare_json_schema_and_json_object_formats()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);
        var schema = JsonNode.Parse("""{"type":"object","properties":{"n":{"type":"integer"}}}""")!.AsObject();

        await models.Chat.CompleteAsync(TestModels.Ask("a") with { Parameters = new ChatParameters(ResponseFormat: "json_schema", JsonSchema: schema) }, null, CancellationToken.None);
        await models.Chat.CompleteAsync(TestModels.Ask("b") with { Parameters = new ChatParameters(ResponseFormat: "json_object") }, null, CancellationToken.None);

        var requests = server.Requests;
        Assert.Equal("json_schema", requests[0].ResponseFormatType);
        Assert.Equal("response", requests[0].JsonSchema!["name"]!.GetValue<string>());
        Assert.Equal("integer", requests[0].JsonSchema!["schema"]!["properties"]!["n"]!["type"]!.GetValue<string>());
        Assert.Equal("json_object", requests[1].ResponseFormatType);
    }

    [Fact]
    public async Task Images_by_url_and_data_uri_with_detail()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);
        var png = Convert.ToBase64String(new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 });
        var message = new ChatMessage(ChatRole.User,
        [
            ChatContentPart.FromText("What is in these?"),
            new ChatContentPart(ImageUrl: "https://example.com/cat.jpg", ImageDetail: "low"),
            new ChatContentPart(ImageUrl: $"data:image/png;base64,{png}", ImageDetail: "high"),
        ]);

        await models.Chat.CompleteAsync(new ChatRequest("openai", "gpt-4o", [message]), null, CancellationToken.None);

        var wire = Assert.Single(server.Requests).Messages.Single();
        Assert.Equal("What is in these?", wire.Text);
        Assert.Equal(2, wire.Images.Count);
        Assert.Equal(new RecordedImage("https://example.com/cat.jpg", "low"), wire.Images[0]);
        Assert.Equal(new RecordedImage($"data:image/png;base64,{png}", "high"), wire.Images[1]);
    }

    [Fact]
    public async Task Assistant_and_tool_messages_are_sent_in_order()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var models = TestModels.For(server);

        await models.Chat.CompleteAsync(new ChatRequest("openai", "m",
        [
            ChatMessage.FromText(ChatRole.User, "weather?"),
            ChatMessage.FromText(ChatRole.Assistant, "checking"),
            new ChatMessage(ChatRole.Tool, [ChatContentPart.FromText("{\"temp\":21}")], ToolCallId: "call_1"),
            ChatMessage.FromText(ChatRole.User, "so?"),
        ]), null, CancellationToken.None);

        var messages = Assert.Single(server.Requests).Messages;
        Assert.Equal(["user", "assistant", "tool", "user"], messages.Select(m => m.Role));
        Assert.Equal("call_1", messages[2].ToolCallId);
        Assert.Equal("{\"temp\":21}", messages[2].Text);
    }

    [Fact]
    public async Task Forced_tool_call_is_sent_and_parsed()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = r => ChatReply.WithToolCall(r.ForcedToolName!, """{"location":"Paris","unit":"c"}""");
        var models = TestModels.For(server);
        var tool = new ChatTool("get_weather", "Weather for a city",
            JsonNode.Parse("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")!.AsObject());
        var request = TestModels.Ask("weather in Paris") with { Tools = [tool], ForcedToolName = "get_weather" };

        var plain = await models.Chat.CompleteAsync(request, null, CancellationToken.None);
        var streamed = await models.Chat.CompleteAsync(request, _ => ValueTask.CompletedTask, CancellationToken.None);

        foreach (var result in new[] { plain, streamed })
        {
            var call = Assert.Single(result.ToolCalls);
            Assert.Equal("get_weather", call.Name);
            Assert.Equal("""{"location":"Paris","unit":"c"}""", call.ArgumentsJson);
            Assert.StartsWith("call_", call.Id);
            Assert.Equal("tool_calls", result.FinishReason);
        }

        var wire = server.Requests[0];
        Assert.Equal("function", wire.ToolChoice);
        Assert.Equal("get_weather", wire.ForcedToolName);
        var wireTool = Assert.Single(wire.Tools);
        Assert.Equal("get_weather", wireTool.Name);
        Assert.Equal("Weather for a city", wireTool.Description);
        Assert.Equal("location", wireTool.Parameters!["required"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Several_streamed_tool_calls_keep_their_order()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply
        {
            ToolCalls = [new ChatReplyToolCall("a", """{"x":1,"long":"aaaaaaaaaaaaaaaaaaaaaa"}""", "id_a"), new ChatReplyToolCall("b", """{"y":2}""", "id_b")],
            ChunkSize = 3,
        };
        var models = TestModels.For(server);

        var result = await models.Chat.CompleteAsync(TestModels.Ask("x"), _ => ValueTask.CompletedTask, CancellationToken.None);

        Assert.Equal([("id_a", "a", """{"x":1,"long":"aaaaaaaaaaaaaaaaaaaaaa"}"""), ("id_b", "b", """{"y":2}""")],
            result.ToolCalls.Select(c => (c.Id, c.Name, c.ArgumentsJson)));
    }
}
