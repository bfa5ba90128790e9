using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

/// <summary>Conversation variable updates, feedbacks, suggested questions, and runs of a stored workflow version.</summary>
public sealed class MessageFeatureTests
{
    private static JsonObject Ask(string query, string? conversationId = null, string user = "alice") => new()
    {
        ["query"] = query,
        ["inputs"] = new JsonObject(),
        ["user"] = user,
        ["conversation_id"] = conversationId,
    };

    [Fact]
    public async Task A_conversation_variable_can_be_set_type_checked_and_the_next_turn_sees_it()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("chat_state.yml");
        var first = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hi"));
        var conversationId = first["conversation_id"]!.GetValue<string>();
        var variables = await api.JsonAsync(HttpMethod.Get, $"v1/conversations/{conversationId}/variables?user=alice", key);
        var turns = variables["data"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "turns")!;
        var id = turns["id"]!.GetValue<string>();

        var updated = await api.JsonAsync(HttpMethod.Put, $"v1/conversations/{conversationId}/variables/{id}", key, new JsonObject { ["value"] = 10, ["user"] = "alice" });
        Assert.Equal(id, updated["id"]!.GetValue<string>());
        Assert.Equal("turns", updated["name"]!.GetValue<string>());
        Assert.Equal("number", updated["value_type"]!.GetValue<string>());
        Assert.Equal("10", updated["value"]!.GetValue<string>());

        var mismatch = await api.JsonAsync(HttpMethod.Put, $"v1/conversations/{conversationId}/variables/{id}", key, new JsonObject { ["value"] = "ten", ["user"] = "alice" }, 400);
        Assert.Equal("Type mismatch: variable expects number, but got str type", mismatch["message"]!.GetValue<string>());
        await api.JsonAsync(HttpMethod.Put, $"v1/conversations/{conversationId}/variables/nope", key, new JsonObject { ["value"] = 1, ["user"] = "alice" }, 404);
        await api.JsonAsync(HttpMethod.Put, $"v1/conversations/{conversationId}/variables/{id}", key, new JsonObject { ["value"] = 1, ["user"] = "bob" }, 404);

        var second = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("again", conversationId));
        Assert.StartsWith("Hello, turn 11: again", second["answer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Feedback_is_recorded_for_the_messages_owner_only()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("chat_state.yml");
        var message = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hi"));
        var id = message["id"]!.GetValue<string>();

        var like = await api.JsonAsync(HttpMethod.Post, $"v1/messages/{id}/feedbacks", key, new JsonObject { ["rating"] = "like", ["user"] = "alice", ["content"] = "nice" });
        Assert.Equal("success", like["result"]!.GetValue<string>());
        await api.JsonAsync(HttpMethod.Post, $"v1/messages/{id}/feedbacks", key, new JsonObject { ["rating"] = "dislike", ["user"] = "alice" });
        await api.JsonAsync(HttpMethod.Post, $"v1/messages/{id}/feedbacks", key, new JsonObject { ["rating"] = null, ["user"] = "alice" });
        var bad = await api.JsonAsync(HttpMethod.Post, $"v1/messages/{id}/feedbacks", key, new JsonObject { ["rating"] = "meh", ["user"] = "alice" }, 400);
        Assert.Equal("invalid_param", bad["code"]!.GetValue<string>());
        var stranger = await api.JsonAsync(HttpMethod.Post, $"v1/messages/{id}/feedbacks", key, new JsonObject { ["rating"] = "like", ["user"] = "bob" }, 404);
        Assert.Equal("Message Not Exists.", stranger["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Suggested_questions_are_refused_when_disabled_and_asked_of_the_model_when_enabled()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = r => r.LastUserText.Contains("three most likely questions")
            ? ChatReply.FromText("Sure: [\"Why?\", \"How?\", \"When?\", \"Where?\"]")
            : ChatReply.FromText("An answer.");
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());

        var (_, plainKey) = await api.ImportAsync("chat_llm.yml");
        var plain = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", plainKey, Ask("hi"));
        var disabled = await api.JsonAsync(HttpMethod.Get, $"v1/messages/{plain["id"]}/suggested?user=alice", plainKey, status: 403);
        Assert.Equal("app_suggested_questions_after_answer_disabled", disabled["code"]!.GetValue<string>());
        Assert.Equal(403, disabled["status"]!.GetValue<int>());
        Assert.DoesNotContain(model.Requests, r => r.LastUserText.Contains("three most likely questions"));
        // An unknown message is still 404 first, as in Dify.
        await api.JsonAsync(HttpMethod.Get, $"v1/messages/{Guid.NewGuid()}/suggested?user=alice", plainKey, status: 404);

        var (_, key) = await api.ImportAsync("chat_suggest.yml");
        var message = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hi"));
        var suggested = await api.JsonAsync(HttpMethod.Get, $"v1/messages/{message["id"]}/suggested?user=alice", key);
        Assert.Equal(["Why?", "How?", "When?"], suggested["data"]!.AsArray().Select(q => q!.GetValue<string>()));
        var prompt = model.Requests.Last(r => r.LastUserText.Contains("three most likely questions")).LastUserText;
        Assert.Contains("Human: hi\nAssistant: An answer.", prompt);
        await api.JsonAsync(HttpMethod.Get, $"v1/messages/{message["id"]}/suggested?user=bob", key, status: 404);
    }

    [Fact]
    public async Task A_stored_workflow_version_runs_by_its_id_and_unknown_ones_are_not_found()
    {
        await using var api = await ApiHost.StartAsync();
        var (appId, key) = await api.ImportAsync("hello.yml");
        var (otherAppId, _) = await api.ImportAsync("slow_llm.yml");
        var version = (await api.JsonAsync(HttpMethod.Get, $"console/api/apps/{appId}", ApiHost.AdminKey))["workflow_id"]!.GetValue<string>();
        var otherVersion = (await api.JsonAsync(HttpMethod.Get, $"console/api/apps/{otherAppId}", ApiHost.AdminKey))["workflow_id"]!.GetValue<string>();

        var run = await api.JsonAsync(HttpMethod.Post, $"v1/workflows/{version}/run", key, new JsonObject { ["inputs"] = new JsonObject { ["name"] = "Ada" }, ["user"] = "u" });
        Assert.Equal("succeeded", run["data"]!["status"]!.GetValue<string>());
        Assert.Equal(version, run["data"]!["workflow_id"]!.GetValue<string>());

        var unknown = await api.JsonAsync(HttpMethod.Post, $"v1/workflows/{Guid.NewGuid()}/run", key, new JsonObject { ["user"] = "u" }, 404);
        Assert.Equal("not_found", unknown["code"]!.GetValue<string>());
        await api.JsonAsync(HttpMethod.Post, $"v1/workflows/{otherVersion}/run", key, new JsonObject { ["user"] = "u" }, 404);
    }
}
