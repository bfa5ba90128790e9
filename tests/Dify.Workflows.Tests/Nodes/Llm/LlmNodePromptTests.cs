using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Dsl;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Values;
using static Dify.Workflows.Tests.Nodes.Llm.ModelNodeHarness;

namespace Dify.Workflows.Tests.Nodes.Llm;

/// <summary>The prompts an llm node sends, as recorded on the wire by the OpenAI-compatible server.</summary>
public sealed class LlmNodePromptTests
{
    private static JsonObject Msg(string role, string text) => new() { ["role"] = role, ["text"] = text, ["edition_type"] = "basic" };

    [Fact]
    public async Task Chat_mode_sends_rendered_messages_in_order_with_context_and_parameters()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var data = new JsonObject
        {
            ["model"] = Model("chat", new JsonObject
            {
                ["temperature"] = 0.2, ["top_p"] = 0.9, ["max_tokens"] = 128, ["stop"] = new JsonArray("END"),
                ["presence_penalty"] = 0.5, ["frequency_penalty"] = 0.25, ["seed"] = 7, ["response_format"] = "json_object",
            }),
            ["prompt_template"] = new JsonArray(
                Msg("system", "You answer about {{#start.topic#}}. Score {{#start.score#}}. Flag {{#start.flag#}}.\nContext: {{#context#}}"),
                Msg("user", "{{#start.question#}} (missing: {{#start.nothing#}})")),
            ["context"] = new JsonObject { ["enabled"] = true, ["variable_selector"] = new JsonArray("kr", "text") },
        };
        var pool = Pool(("start", "topic", "cats"), ("start", "score", 1.0), ("start", "flag", true), ("start", "question", "Why purr?"),
            ("kr", "text", "Cats purr when content."));

        var result = await RunAsync(node, data, pool);

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var request = Assert.Single(server.Requests);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("You answer about cats. Score 1.0. Flag True.\nContext: Cats purr when content.", request.Messages[0].Text);
        Assert.Equal("Why purr? (missing: start.nothing)", request.Messages[1].Text);
        Assert.Equal(0.2, request.Temperature!.Value, 3);
        Assert.Equal(0.9, request.TopP!.Value, 3);
        Assert.Equal(128, request.MaxTokens);
        Assert.Equal(["END"], request.Stop);
        Assert.Equal(0.5, request.PresencePenalty!.Value, 3);
        Assert.Equal(0.25, request.FrequencyPenalty!.Value, 3);
        Assert.Equal(7, request.Seed);
        Assert.Equal("json_object", request.ResponseFormatType);
        Assert.True(request.Stream);

        // process_data and inputs mirror Dify's run log.
        Assert.Equal("chat", result.ProcessData!["model_mode"]!.GetValue<string>());
        Assert.Equal("langgenius/openai/openai", result.ProcessData["model_provider"]!.GetValue<string>());
        Assert.Equal("gpt-4o-mini", result.ProcessData["model_name"]!.GetValue<string>());
        var prompts = result.ProcessData["prompts"]!.AsArray();
        Assert.Equal("system", prompts[0]!["role"]!.GetValue<string>());
        Assert.Equal(request.Messages[1].Text, prompts[1]!["text"]!.GetValue<string>());
        Assert.Equal("Cats purr when content.", result.Inputs!["#context#"]!.GetValue<string>());
        Assert.Equal("cats", result.Inputs["#start.topic#"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chatflow_memory_keeps_the_last_window_turns_then_the_query_prompt()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var data = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(Msg("system", "Be brief.")),
            ["memory"] = new JsonObject
            {
                ["window"] = new JsonObject { ["enabled"] = true, ["size"] = 2 },
                ["query_prompt_template"] = "Q: {{#sys.query#}}",
            },
        };
        var history = new[] { new ConversationTurn("q1", "a1"), new ConversationTurn("q2", "a2"), new ConversationTurn("q3", "a3") };

        var result = await RunAsync(node, data, Pool(("sys", "query", "now?")), history: history, mode: AppMode.AdvancedChat);

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var messages = Assert.Single(server.Requests).Messages;
        Assert.Equal(["system", "user", "assistant", "user", "assistant", "user"], messages.Select(m => m.Role));
        Assert.Equal(["Be brief.", "q2", "a2", "q3", "a3", "Q: now?"], messages.Select(m => m.Text));
        Assert.Equal("Q: now?", result.Outputs["text"]!.GetValue<string>()); // the server echoes the last user message
    }

    [Fact]
    public async Task Memory_without_query_template_uses_sys_query_and_without_memory_the_query_is_not_added()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var withMemory = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(Msg("system", "S")),
            ["memory"] = new JsonObject { ["window"] = new JsonObject { ["enabled"] = false, ["size"] = 10 } },
        };
        await RunAsync(node, withMemory, Pool(("sys", "query", "hello")), history: [new ConversationTurn("old", "reply")], mode: AppMode.AdvancedChat);
        var noMemory = new JsonObject { ["model"] = Model(), ["prompt_template"] = new JsonArray(Msg("system", "S"), Msg("user", "fixed")) };
        await RunAsync(node, noMemory, Pool(("sys", "query", "hello")), history: [new ConversationTurn("old", "reply")], mode: AppMode.AdvancedChat);

        Assert.Equal(["S", "old", "reply", "hello"], server.Requests[0].Messages.Select(m => m.Text));
        Assert.Equal(["S", "fixed"], server.Requests[1].Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Completion_mode_sends_one_prompt_with_the_transcript_and_query_markers_replaced()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var data = new JsonObject
        {
            ["model"] = Model("completion"),
            ["prompt_template"] = new JsonObject { ["text"] = "About {{#start.topic#}}.\n#histories#\nHuman: #sys.query#\nAI:" },
            ["memory"] = new JsonObject
            {
                ["window"] = new JsonObject { ["enabled"] = true, ["size"] = 1 },
                ["role_prefix"] = new JsonObject { ["user"] = "Human", ["assistant"] = "AI" },
            },
        };

        var result = await RunAsync(node, data, Pool(("start", "topic", "dogs"), ("sys", "query", "Sit?")),
            history: [new ConversationTurn("first", "one"), new ConversationTurn("second", "two")], mode: AppMode.AdvancedChat);

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var message = Assert.Single(Assert.Single(server.Requests).Messages);
        Assert.Equal("user", message.Role);
        Assert.Equal("About dogs.\nHuman: second\nAI: two\nHuman: Sit?\nAI:", message.Text);
        Assert.Equal("completion", result.ProcessData!["model_mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vision_adds_image_parts_with_detail_to_the_last_user_message()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var data = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(Msg("system", "Describe."), Msg("user", "What is this?")),
            ["vision"] = new JsonObject { ["enabled"] = true, ["configs"] = new JsonObject { ["detail"] = "low" } },
        };
        var files = new JsonArray(
            FileValue.Create("image", "remote_url", "cat.png", ".png", "image/png", 10, remoteUrl: "https://example.com/cat.png"),
            FileValue.Create("document", "remote_url", "a.pdf", ".pdf", "application/pdf", 10, remoteUrl: "https://example.com/a.pdf"));

        var result = await RunAsync(node, data, Pool(("sys", "files", files)));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        var messages = Assert.Single(server.Requests).Messages;
        Assert.Empty(messages[0].Images);
        var image = Assert.Single(messages[1].Images);
        Assert.Equal("https://example.com/cat.png", image.Url);
        Assert.Equal("low", image.Detail);
        Assert.Equal("What is this?", messages[1].Text);
        Assert.Equal(2, result.Inputs!["#files#"]!.AsArray().Count);
    }

    [Fact]
    public async Task Empty_messages_are_dropped_and_no_prompt_at_all_fails_without_calling_the_model()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var partly = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(Msg("system", "  "), Msg("user", "{{#start.q#}}"), Msg("assistant", "")),
        };
        var empty = new JsonObject { ["model"] = Model(), ["prompt_template"] = new JsonArray(Msg("system", "{{#start.blank#}}")) };

        var ok = await RunAsync(node, partly, Pool(("start", "q", "hi"), ("start", "blank", "")));
        var failed = await RunAsync(node, empty, Pool(("start", "blank", "")));

        Assert.Equal(NodeRunStatus.Succeeded, ok.Status);
        Assert.Equal(["user"], Assert.Single(server.Requests).Messages.Select(m => m.Role));
        Assert.Equal(NodeRunStatus.Failed, failed.Status);
        Assert.Equal("No prompt found in the LLM configuration", failed.Error);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Jinja2_prompt_without_a_sandbox_fails_clearly()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var node = new LlmNode(ModelsFor(server));
        var data = new JsonObject
        {
            ["model"] = Model(),
            ["prompt_template"] = new JsonArray(new JsonObject { ["role"] = "user", ["edition_type"] = "jinja2", ["jinja2_text"] = "{{ q }}" }),
            ["prompt_config"] = new JsonObject { ["jinja2_variables"] = new JsonArray(new JsonObject { ["variable"] = "q", ["value_selector"] = new JsonArray("start", "q") }) },
        };

        var result = await RunAsync(node, data, Pool(("start", "q", "hi")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Contains("jinja2", result.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Parse_reports_bad_fields()
    {
        var node = new LlmNode(new Dify.Models.ModelProviders(Microsoft.Extensions.Options.Options.Create(new Dify.Models.Configuration.ModelsOptions())));
        Parse(node, new JsonObject
        {
            ["prompt_template"] = new JsonArray(new JsonObject { ["role"] = "robot", ["text"] = "x" }),
            ["reasoning_format"] = "weird",
            ["structured_output_switch_on"] = true,
        }, out var problems);

        Assert.Contains(problems, p => p.Field == "model");
        Assert.Contains(problems, p => p.Field == "prompt_template[0].role");
        Assert.Contains(problems, p => p.Field == "reasoning_format");
        Assert.Contains(problems, p => p.Field == "structured_output.schema");
    }
}
