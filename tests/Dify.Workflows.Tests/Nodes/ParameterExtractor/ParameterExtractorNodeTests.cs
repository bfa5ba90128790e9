using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.ParameterExtractor;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.ParameterExtractor;

public sealed class ParameterExtractorNodeTests
{
    private static JsonObject Param(string name, string type, bool required = false, params string[] options) => new()
    {
        ["name"] = name, ["type"] = type, ["description"] = "the " + name, ["required"] = required,
        ["options"] = new JsonArray(options.Select(o => (JsonNode?)o).ToArray()),
    };

    private static JsonObject Data(string mode = "function_call") => new()
    {
        ["query"] = new JsonArray("start", "text"),
        ["model"] = Model(),
        ["reasoning_mode"] = mode,
        ["instruction"] = "Dates are in {{#start.tz#}}",
        ["parameters"] = new JsonArray(
            Param("city", "string", required: true),
            Param("nights", "number"),
            Param("breakfast", "bool"),
            Param("room", "select", false, "single", "double"),
            Param("guests", "array[string]"),
            Param("ages", "array[number]")),
    };

    private static Dify.Workflows.Variables.VariablePool Inputs() =>
        Pool(("start", "text", "Book a double room in Lisbon for 3 nights with breakfast for Ann and Bo"), ("start", "tz", "UTC"));

    [Fact]
    public async Task Function_call_mode_forces_the_tool_and_coerces_its_arguments()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.WithToolCall("extract_parameters",
            """{"city": "Lisbon", "nights": 3, "breakfast": true, "room": "double", "guests": ["Ann", "Bo"], "ages": [30, 41.5]}""");

        var result = await RunAsync(new ParameterExtractorNode(ModelsFor(server)), Data(), Inputs());

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(1, result.Outputs["__is_success"]!.GetValue<int>());
        Assert.Null(result.Outputs["__reason"]);
        Assert.Equal("Lisbon", result.Outputs["city"]!.GetValue<string>());
        Assert.Equal(3, result.Outputs["nights"]!.GetValue<int>());
        Assert.True(result.Outputs["breakfast"]!.GetValue<bool>());
        Assert.Equal("double", result.Outputs["room"]!.GetValue<string>());
        Assert.Equal(["Ann", "Bo"], result.Outputs["guests"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(41.5, result.Outputs["ages"]![1]!.GetValue<double>());
        Assert.True(result.Outputs["__usage"]!["total_tokens"]!.GetValue<int>() > 0);

        var request = Assert.Single(server.Requests);
        var tool = Assert.Single(request.Tools);
        Assert.Equal("extract_parameters", tool.Name);
        Assert.Equal("extract_parameters", request.ForcedToolName);
        Assert.Equal(["city"], tool.Parameters!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("boolean", tool.Parameters["properties"]!["breakfast"]!["type"]!.GetValue<string>());
        Assert.Equal(["single", "double"], tool.Parameters["properties"]!["room"]!["enum"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("string", tool.Parameters["properties"]!["guests"]!["items"]!["type"]!.GetValue<string>());
        Assert.Contains("Dates are in UTC", request.Messages[0].Text);
        Assert.Contains("Book a double room in Lisbon", request.LastUserText);
    }

    [Fact]
    public async Task Prompt_mode_reads_json_from_the_answer_and_converts_strings_to_types()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("<think>easy</think>Here you go:\n```json\n{\"city\": \"Lisbon\", \"nights\": \"3\", \"breakfast\": \"true\"}\n```");

        var result = await RunAsync(new ParameterExtractorNode(ModelsFor(server)), Data("prompt"), Inputs());

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var request = Assert.Single(server.Requests);
        Assert.Empty(request.Tools);
        Assert.Contains("\"city\"", request.Messages[0].Text); // the schema is in the prompt
        Assert.Equal("Lisbon", result.Outputs["city"]!.GetValue<string>());
        Assert.Equal(3, result.Outputs["nights"]!.GetValue<long>());
        Assert.True(result.Outputs["breakfast"]!.GetValue<bool>());
        Assert.Equal("", result.Outputs["room"]!.GetValue<string>());
        Assert.Empty(result.Outputs["guests"]!.AsArray());
        // "3" is not a JSON number: Dify's validation reports it even though the value is converted.
        Assert.Equal(0, result.Outputs["__is_success"]!.GetValue<int>());
        Assert.Equal("Invalid `number` value for parameter nights", result.Outputs["__reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("I could not find anything.", "Failed to extract result from function call or text response, using empty result.")]
    [InlineData("{\"nights\": 2}", "Parameter city is required")]
    [InlineData("{\"city\": \"Rome\", \"room\": \"suite\"}", "Invalid `select` value for parameter room")]
    public async Task Unusable_answers_succeed_with_is_success_0_the_reason_and_empty_values(string answer, string reason)
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText(answer);

        var result = await RunAsync(new ParameterExtractorNode(ModelsFor(server)), Data("prompt"), Inputs());

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(0, result.Outputs["__is_success"]!.GetValue<int>());
        Assert.Equal(reason, result.Outputs["__reason"]!.GetValue<string>());
        Assert.False(result.Outputs["breakfast"]!.GetValue<bool>());
        Assert.Empty(result.Outputs["ages"]!.AsArray());
        Assert.True(result.Outputs.ContainsKey("city"));
    }

    [Fact]
    public async Task Defaults_when_the_model_answers_nothing_usable_in_function_call_mode()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("no tool for you");

        var result = await RunAsync(new ParameterExtractorNode(ModelsFor(server)), Data(), Inputs());

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal(0, result.Outputs["__is_success"]!.GetValue<int>());
        Assert.Equal("", result.Outputs["city"]!.GetValue<string>());
        Assert.Equal(0, result.Outputs["nights"]!.GetValue<int>());
    }

    [Fact]
    public async Task Model_failure_fails_the_node_with_is_success_0_and_the_reason()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.Error(401, "Incorrect API key provided: sk-bad.");

        var result = await RunAsync(new ParameterExtractorNode(ModelsFor(server)), Data(), Inputs());

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Contains("Incorrect API key provided", result.Error);
        Assert.Equal(0, result.Outputs["__is_success"]!.GetValue<int>());
        Assert.Equal(result.Error, result.Outputs["__reason"]!.GetValue<string>());
    }

    [Fact]
    public void Reserved_names_and_unknown_types_are_rejected_at_parse()
    {
        var data = Data();
        data["parameters"] = new JsonArray(Param("__reason", "string"), Param("__is_success", "number"), Param("x", "date"));

        Parse(new ParameterExtractorNode(null!), data, out var problems);

        Assert.Contains(problems, p => p.Field == "parameters[0].name" && p.Message.Contains("reserved"));
        Assert.Contains(problems, p => p.Field == "parameters[1].name" && p.Message.Contains("reserved"));
        Assert.Contains(problems, p => p.Field == "parameters[2].type");
    }
}
