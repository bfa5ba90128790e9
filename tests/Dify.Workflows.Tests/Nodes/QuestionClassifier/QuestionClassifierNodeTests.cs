using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Dsl;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Nodes.QuestionClassifier;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.QuestionClassifier;

public sealed class QuestionClassifierNodeTests
{
    private static JsonObject Data(JsonObject? memory = null) => new()
    {
        ["query_variable_selector"] = new JsonArray("sys", "query"),
        ["model"] = Model(),
        ["classes"] = new JsonArray(
            new JsonObject { ["id"] = "1", ["name"] = "Billing" },
            new JsonObject { ["id"] = "1720796069925", ["name"] = "Technical support", ["label"] = "Tech" },
            new JsonObject { ["id"] = "3", ["name"] = "Other" }),
        ["instruction"] = "Customer tier: {{#start.tier#}}",
        ["memory"] = memory,
    };

    [Fact]
    public async Task Picks_the_class_named_by_the_models_json_and_takes_its_branch()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("<think>router question</think>```json\n{\"keywords\": [\"router\"], \"category_id\": \"1720796069925\", \"category_name\": \"Technical support\"}\n```");
        var node = new QuestionClassifierNode(ModelsFor(server));

        var result = await RunAsync(node, Data(), Pool(("sys", "query", "My router keeps rebooting"), ("start", "tier", "gold")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("1720796069925", result.EdgeSourceHandle);
        Assert.Equal("1720796069925", result.Outputs["class_id"]!.GetValue<string>());
        Assert.Equal("Technical support", result.Outputs["class_name"]!.GetValue<string>());
        Assert.Equal("Tech", result.Outputs["class_label"]!.GetValue<string>());
        Assert.True(result.Outputs["usage"]!["total_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(result.Outputs["usage"]!["total_tokens"]!.GetValue<int>(), result.TotalTokens);

        var request = Assert.Single(server.Requests);
        Assert.False(request.Stream);
        Assert.Equal("system", request.Messages[0].Role);
        Assert.Contains("category_id", request.Messages[0].Text);
        var input = JsonNode.Parse(request.LastUserText)!;
        Assert.Equal("My router keeps rebooting", input["input_text"]![0]!.GetValue<string>());
        Assert.Equal("Customer tier: gold", input["classification_instructions"]![0]!.GetValue<string>());
        Assert.Equal(["1", "1720796069925", "3"], input["categories"]!.AsArray().Select(c => c!["category_id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("I honestly have no idea.")]
    [InlineData("{\"category_id\": \"42\", \"category_name\": \"Unknown\"}")]
    public async Task Garbage_or_unknown_answers_fall_back_to_the_first_class(string answer)
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText(answer);

        var result = await RunAsync(new QuestionClassifierNode(ModelsFor(server)), Data(), Pool(("sys", "query", "hi"), ("start", "tier", "x")));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("1", result.EdgeSourceHandle);
        Assert.Equal("Billing", result.Outputs["class_name"]!.GetValue<string>());
        Assert.Equal("CLASS 1", result.Outputs["class_label"]!.GetValue<string>());
    }

    [Fact]
    public async Task Memory_turns_go_into_the_system_prompt()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.FromText("{\"category_id\": \"3\"}");
        var memory = new JsonObject { ["window"] = new JsonObject { ["enabled"] = true, ["size"] = 1 } };

        var result = await RunAsync(new QuestionClassifierNode(ModelsFor(server)), Data(memory), Pool(("sys", "query", "and now?"), ("start", "tier", "x")),
            history: [new ConversationTurn("old question", "old answer"), new ConversationTurn("recent question", "recent answer")], mode: AppMode.AdvancedChat);

        Assert.Equal("3", result.EdgeSourceHandle);
        var system = Assert.Single(server.Requests).Messages[0].Text;
        Assert.Contains("Human: recent question\nAssistant: recent answer", system);
        Assert.DoesNotContain("old question", system);
    }

    [Fact]
    public async Task Provider_failure_fails_the_node()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => ChatReply.Error(500, "upstream exploded");

        var result = await RunAsync(new QuestionClassifierNode(ModelsFor(server)), Data(), Pool(("sys", "query", "hi")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Contains("upstream exploded", result.Error);
    }

    [Fact]
    public void Parse_requires_classes_with_ids_and_a_query_selector()
    {
        Parse(new QuestionClassifierNode(null!), new JsonObject { ["model"] = Model(), ["classes"] = new JsonArray(new JsonObject { ["name"] = "x" }) }, out var problems);

        Assert.Contains(problems, p => p.Field == "query_variable_selector");
        Assert.Contains(problems, p => p.Field == "classes[0].id");
    }
}
