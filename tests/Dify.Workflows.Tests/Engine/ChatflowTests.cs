using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;

namespace Dify.Workflows.Tests.Engine;

public sealed class ChatflowTests : IAsyncLifetime
{
    private readonly EngineHarness _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Conversation_variables_carry_between_turns_and_answers_stream_as_messages()
    {
        var yaml = EngineHarness.Fixture("chat_state.yml");
        var (first, events, _) = await _engine.RunAsync(yaml, new StartRunOptions { Query = "hi" });
        Assert.Equal(WorkflowRunStatus.Succeeded, first.Status);
        Assert.Equal("Hello, turn 1: hi\n- hi", first.Answer);
        JsonAssert.Equal("""{"turns":1,"history":["hi"]}""", first.ConversationVariables);
        Assert.Equal(first.Answer, string.Concat(events.Where(e => e.Event == "message").Select(e => e.Data["answer"]!.ToString())));
        var tail = events.Select(e => e.Event).TakeLast(2).ToList();
        Assert.Equal(["message_end", "workflow_finished"], tail);

        var (second, _, _) = await _engine.RunAsync(yaml, new StartRunOptions { Query = "again", ConversationVariables = first.ConversationVariables });
        Assert.Equal("Hello, turn 2: again\n- hi\n- again", second.Answer);
    }
}
