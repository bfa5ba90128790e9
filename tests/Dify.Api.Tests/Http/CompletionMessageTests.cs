using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

public sealed class CompletionMessageTests
{
    private static JsonObject Ask(string topic, string mode = "blocking") => new()
    {
        ["inputs"] = new JsonObject { ["topic"] = topic },
        ["response_mode"] = mode,
        ["user"] = "carol",
    };

    [Fact]
    public async Task Completion_app_answers_blocking_and_streaming_with_message_events_only()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = r => ChatReply.FromText("echo: " + r.LastUserText);
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (_, key) = await api.ImportAsync("completion.yml");

        var blocking = await api.JsonAsync(HttpMethod.Post, "v1/completion-messages", key, Ask("rivets"));
        Assert.Equal("message", blocking["event"]!.GetValue<string>());
        Assert.Equal("completion", blocking["mode"]!.GetValue<string>());
        Assert.Equal("echo: Write a haiku about rivets.", blocking["answer"]!.GetValue<string>());
        Assert.Equal(blocking["id"]!.GetValue<string>(), blocking["message_id"]!.GetValue<string>());
        Assert.False(blocking.ContainsKey("conversation_id"));
        Assert.Equal("USD", blocking["metadata"]!["usage"]!["currency"]!.GetValue<string>());
        Assert.NotNull(blocking["task_id"]);
        Assert.True(blocking["created_at"]!.GetValue<long>() > 0);

        var sse = await api.StreamAsync("v1/completion-messages", key, Ask("bolts", "streaming"));
        var names = sse.Names.ToList();
        Assert.Equal("message_end", names[^1]);
        Assert.All(names[..^1], n => Assert.Equal("message", n));
        Assert.Equal("echo: Write a haiku about bolts.", string.Concat(sse.Events.Where(e => e["event"]!.GetValue<string>() == "message").Select(e => e["answer"]!.GetValue<string>())));
        var end = sse.Last("message_end");
        Assert.Equal(sse.Events[0]["message_id"]!.GetValue<string>(), end["id"]!.GetValue<string>());
        Assert.NotNull(end["metadata"]!["usage"]);
        Assert.All(sse.Events, e => Assert.False(e.ContainsKey("conversation_id")));
    }

    [Fact]
    public async Task Other_apps_are_refused_and_stop_answers_success()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, workflowKey) = await api.ImportAsync("hello.yml");
        var wrong = await api.JsonAsync(HttpMethod.Post, "v1/completion-messages", workflowKey, Ask("x"), 400);
        Assert.Equal("not_completion_app", wrong["code"]!.GetValue<string>());

        var (_, key) = await api.ImportAsync("completion.yml");
        var stop = await api.JsonAsync(HttpMethod.Post, $"v1/completion-messages/{Guid.NewGuid()}/stop", key, new JsonObject { ["user"] = "carol" });
        Assert.Equal("success", stop["result"]!.GetValue<string>());
        var notWorkflow = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, Ask("x"), 400);
        Assert.Equal("not_workflow_app", notWorkflow["code"]!.GetValue<string>());
        var missing = await api.JsonAsync(HttpMethod.Post, "v1/completion-messages", key, new JsonObject { ["inputs"] = new JsonObject(), ["user"] = "carol" }, 400);
        Assert.Equal("invalid_param", missing["code"]!.GetValue<string>());
    }
}
