using Dify.Models;
using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Llm;
using Microsoft.Extensions.Options;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Tests.Engine;

/// <summary>Chat and completion apps (model_config, no graph) run as the graph Dify builds for them.</summary>
public sealed class EasyAppTests : IAsyncLifetime
{
    private OpenAiCompatibleServer _server = null!;
    private EngineHarness _engine = null!;

    public async Task InitializeAsync()
    {
        _server = await OpenAiCompatibleServer.StartAsync(CancellationToken.None);
        _server.Responder = r => ChatReply.FromText($"echo: {r.LastUserText}");
        var models = new ModelProviders(Options.Create(new ModelsOptions { Default = new ModelEndpointOptions { Endpoint = _server.Endpoint } }));
        _engine = new EngineHarness(new LlmNode(models));
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _server.DisposeAsync();
    }

    private const string ChatApp = """
        version: 0.1.5
        kind: app
        app: {mode: chat, name: assistant}
        model_config:
          model: {provider: langgenius/openai/openai, name: gpt-4o-mini, mode: chat, completion_params: {temperature: 0.2}}
          pre_prompt: 'You help {{who}} with their questions.'
          prompt_type: simple
          user_input_form:
          - text-input: {variable: who, label: Who, required: true, max_length: 20}
          dataset_configs: {retrieval_model: multiple, datasets: {datasets: []}}
          opening_statement: Hi!
        """;

    private const string CompletionApp = """
        version: 0.1.5
        kind: app
        app: {mode: completion, name: writer}
        model_config:
          model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}
          pre_prompt: 'Write a haiku about {{topic}}.'
          user_input_form:
          - paragraph: {variable: topic, label: Topic, required: true}
        """;

    [Fact]
    public async Task Chat_app_sends_the_pre_prompt_as_system_message_and_remembers_turns()
    {
        var (first, events, _) = await _engine.RunAsync(ChatApp, new StartRunOptions { Inputs = new JsonObject { ["who"] = "Ada" }, Query = "What is 2+2?" });
        Assert.Equal(WorkflowRunStatus.Succeeded, first.Status);
        Assert.Equal("echo: What is 2+2?", first.Answer);
        Assert.Contains(events, e => e.Event == "message");
        var sent = _server.Requests[^1];
        Assert.Equal("system", sent.Messages[0].Role);
        Assert.Equal("You help Ada with their questions.", sent.Messages[0].Text);
        Assert.Equal("What is 2+2?", sent.Messages[^1].Text);

        var (second, _, _) = await _engine.RunAsync(ChatApp, new StartRunOptions
        {
            Inputs = new JsonObject { ["who"] = "Ada" },
            Query = "And 3+3?",
            History = [new ConversationTurn("What is 2+2?", first.Answer!)],
        });
        Assert.Equal("echo: And 3+3?", second.Answer);
        var roles = _server.Requests[^1].Messages.Select(m => m.Role).ToList();
        Assert.Equal(["system", "user", "assistant", "user"], roles);
    }

    [Fact]
    public async Task Completion_app_renders_inputs_into_the_prompt()
    {
        var (result, _, _) = await _engine.RunAsync(CompletionApp, new StartRunOptions { Inputs = new JsonObject { ["topic"] = "rivets" } });
        Assert.Equal(WorkflowRunStatus.Succeeded, result.Status);
        Assert.Equal("echo: Write a haiku about rivets.", result.Answer);
    }

    [Fact]
    public async Task Chat_app_validates_its_input_form()
    {
        var definition = _engine.Load(ChatApp);
        var ex = await Assert.ThrowsAsync<Dify.Workflows.Nodes.Start.InputValidationException>(() =>
            _engine.Runs.StartAsync(definition, new StartRunOptions { Query = "hi" }, CancellationToken.None));
        Assert.Equal("who is required in input form", ex.Message);
    }
}
