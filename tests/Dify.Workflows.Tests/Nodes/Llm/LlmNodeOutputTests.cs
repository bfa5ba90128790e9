using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Llm;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.Llm;

/// <summary>What an llm node streams and returns: text, reasoning, usage, structured output, failures.</summary>
public sealed class LlmNodeOutputTests
{
    private static JsonObject Data(JsonObject? extra = null)
    {
        var data = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(new JsonObject { ["role"] = "user", ["text"] = "{{#start.q#}}" }),
        };
        foreach (var (k, v) in extra ?? []) data[k] = v?.DeepClone();
        return data;
    }

    [Fact]
    public async Task Streams_every_token_to_the_node_stream_and_they_concatenate_to_text()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "The quick brown fox jumps over", ChunkSize = 4, PromptTokens = 11, CompletionTokens = 6 };
        var stream = new RecordingNodeStream();

        var result = await RunAsync(new LlmNode(ModelsFor(server)), Data(), Pool(("start", "q", "go")), stream);

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("The quick brown fox jumps over", result.Outputs["text"]!.GetValue<string>());
        Assert.True(stream.Chunks.Count(c => c.Text.Length > 0) >= 7);
        Assert.All(stream.Chunks, c => Assert.Equal("text", c.Variable));
        Assert.Equal(result.Outputs["text"]!.GetValue<string>(), stream.Text());
        Assert.True(stream.Chunks[^1].IsFinal);
        Assert.Equal("stop", result.Outputs["finish_reason"]!.GetValue<string>());
        var usage = result.Outputs["usage"]!.AsObject();
        Assert.Equal(11, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(6, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(17, usage["total_tokens"]!.GetValue<int>());
        Assert.Equal("0", usage["total_price"]!.GetValue<string>());
        Assert.Equal("USD", usage["currency"]!.GetValue<string>());
        Assert.True(usage.ContainsKey("latency"));
        Assert.Equal(17, result.TotalTokens);
        Assert.Equal(17, result.Metadata!["total_tokens"]!.GetValue<int>());
        Assert.Equal("", result.Outputs["reasoning_content"]!.GetValue<string>());
        Assert.False(result.Outputs.ContainsKey("structured_output"));
    }

    [Fact]
    public async Task Tagged_reasoning_keeps_think_in_text_and_separated_moves_it_out_of_text_and_stream()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "<think>Let me weigh it.</think>\n\nForty two.", ChunkSize = 3 };
        var taggedStream = new RecordingNodeStream();
        var separatedStream = new RecordingNodeStream();
        var node = new LlmNode(ModelsFor(server));

        var tagged = await RunAsync(node, Data(), Pool(("start", "q", "x")), taggedStream);
        var separated = await RunAsync(node, Data(new JsonObject { ["reasoning_format"] = "separated" }), Pool(("start", "q", "x")), separatedStream);

        Assert.Equal("<think>Let me weigh it.</think>\n\nForty two.", tagged.Outputs["text"]!.GetValue<string>());
        Assert.Equal("", tagged.Outputs["reasoning_content"]!.GetValue<string>());
        Assert.Equal(tagged.Outputs["text"]!.GetValue<string>(), taggedStream.Text());

        Assert.Equal("Forty two.", separated.Outputs["text"]!.GetValue<string>());
        Assert.Equal("Let me weigh it.", separated.Outputs["reasoning_content"]!.GetValue<string>());
        Assert.Equal("Forty two.", separatedStream.Text());
        Assert.Equal("Let me weigh it.", string.Concat(separatedStream.Reasoning));
    }

    [Fact]
    public async Task Provider_reasoning_content_is_tagged_into_text_or_separated()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "Yes.", Reasoning = "Thinking hard" };
        var node = new LlmNode(ModelsFor(server));
        var taggedStream = new RecordingNodeStream();

        var tagged = await RunAsync(node, Data(), Pool(("start", "q", "x")), taggedStream);
        var separated = await RunAsync(node, Data(new JsonObject { ["reasoning_format"] = "separated" }), Pool(("start", "q", "x")));

        Assert.Equal("<think>\nThinking hard\n</think>Yes.", tagged.Outputs["text"]!.GetValue<string>());
        Assert.Equal(tagged.Outputs["text"]!.GetValue<string>(), taggedStream.Text());
        Assert.Equal("Yes.", separated.Outputs["text"]!.GetValue<string>());
        Assert.Equal("Thinking hard", separated.Outputs["reasoning_content"]!.GetValue<string>());
    }

    private static JsonObject StructuredOn() => new()
    {
        ["structured_output_switch_on"] = true,
        ["structured_output"] = new JsonObject
        {
            ["schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["age"] = new JsonObject { ["type"] = "number" } },
                ["required"] = new JsonArray("name"),
            },
        },
    };

    [Fact]
    public async Task Structured_output_asks_for_the_json_schema_and_parses_the_answer()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("{\"name\": \"Ada\", \"age\": 36}");

        var result = await RunAsync(new LlmNode(ModelsFor(server)), Data(StructuredOn()), Pool(("start", "q", "who?")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal("json_schema", request.ResponseFormatType);
        Assert.Equal("llm_response", request.JsonSchema!["name"]!.GetValue<string>());
        Assert.Equal("object", request.JsonSchema["schema"]!["type"]!.GetValue<string>());
        var structured = result.Outputs["structured_output"]!.AsObject();
        Assert.Equal("Ada", structured["name"]!.GetValue<string>());
        Assert.Equal(36, structured["age"]!.GetValue<int>());
    }

    [Fact]
    public async Task Structured_output_that_is_not_json_fails_the_node()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("Sorry, I cannot do JSON today.");

        var result = await RunAsync(new LlmNode(ModelsFor(server)), Data(StructuredOn()), Pool(("start", "q", "who?")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("OutputParserError", result.ErrorType);
        Assert.Contains("structured output", result.Error);
    }

    [Fact]
    public async Task Provider_error_fails_the_node_with_the_providers_message()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.Error(429, "Rate limit reached for gpt-4o-mini", "rate_limit_error");

        var result = await RunAsync(new LlmNode(ModelsFor(server)), Data(), Pool(("start", "q", "x")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Contains("Rate limit reached for gpt-4o-mini", result.Error);
        Assert.Contains("429", result.Error);
        Assert.NotNull(result.ProcessData!["prompts"]);
        Assert.True(new LlmNode(ModelsFor(server)).SupportsRetry);
    }
}
