using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

public sealed class ChatMessageTests
{
    private static JsonObject Ask(string query, string? conversationId = null, string mode = "blocking", string user = "alice") => new()
    {
        ["query"] = query,
        ["inputs"] = new JsonObject(),
        ["response_mode"] = mode,
        ["user"] = user,
        ["conversation_id"] = conversationId,
    };

    [Fact]
    public async Task Two_turns_keep_conversation_variables_and_the_conversation_reads_back()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("chat_state.yml");

        var first = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hi"));
        Assert.Equal("message", first["event"]!.GetValue<string>());
        Assert.Equal("advanced-chat", first["mode"]!.GetValue<string>());
        Assert.Equal(first["id"]!.GetValue<string>(), first["message_id"]!.GetValue<string>());
        Assert.StartsWith("Hello, turn 1: hi", first["answer"]!.GetValue<string>());
        Assert.Equal("USD", first["metadata"]!["usage"]!["currency"]!.GetValue<string>());
        var conversationId = first["conversation_id"]!.GetValue<string>();

        var second = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("again", conversationId));
        Assert.Equal(conversationId, second["conversation_id"]!.GetValue<string>());
        Assert.StartsWith("Hello, turn 2: again", second["answer"]!.GetValue<string>());
        Assert.Contains("again", second["answer"]!.GetValue<string>().Split('\n')[^1]);

        var variables = await api.JsonAsync(HttpMethod.Get, $"v1/conversations/{conversationId}/variables?user=alice", key);
        var byName = variables["data"]!.AsArray().ToDictionary(v => v!["name"]!.GetValue<string>(), v => v!);
        Assert.Equal("2", byName["turns"]["value"]!.GetValue<string>());
        Assert.Equal("number", byName["turns"]["value_type"]!.GetValue<string>());
        Assert.Equal("[\"hi\",\"again\"]", byName["history"]["value"]!.GetValue<string>());

        var conversations = await api.JsonAsync(HttpMethod.Get, "v1/conversations?user=alice", key);
        var conversation = Assert.Single(conversations["data"]!.AsArray())!;
        Assert.Equal(conversationId, conversation["id"]!.GetValue<string>());
        Assert.Equal("hi", conversation["name"]!.GetValue<string>());

        var messages = await api.JsonAsync(HttpMethod.Get, $"v1/messages?conversation_id={conversationId}&user=alice", key);
        Assert.Equal(["hi", "again"], messages["data"]!.AsArray().Select(m => m!["query"]!.GetValue<string>()));
        Assert.Equal(second["answer"]!.GetValue<string>(), messages["data"]![1]!["answer"]!.GetValue<string>());
        var older = await api.JsonAsync(HttpMethod.Get, $"v1/messages?conversation_id={conversationId}&user=alice&limit=1&first_id={second["id"]}", key);
        Assert.Equal("hi", Assert.Single(older["data"]!.AsArray())!["query"]!.GetValue<string>());

        var renamed = await api.JsonAsync(HttpMethod.Post, $"v1/conversations/{conversationId}/name", key, new JsonObject { ["name"] = "Greetings", ["user"] = "alice" });
        Assert.Equal("Greetings", renamed["name"]!.GetValue<string>());

        // Another user cannot see or continue it.
        var stranger = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("me too", conversationId, user: "bob"), 404);
        Assert.Equal(("not_found", "Conversation Not Exists."), (stranger["code"]!.GetValue<string>(), stranger["message"]!.GetValue<string>()));
        await api.JsonAsync(HttpMethod.Get, $"v1/conversations/{conversationId}/variables?user=bob", key, status: 404);
        Assert.Empty((await api.JsonAsync(HttpMethod.Get, "v1/conversations?user=bob", key))["data"]!.AsArray());

        using var deleted = await api.SendAsync(HttpMethod.Delete, $"v1/conversations/{conversationId}", key, new JsonObject { ["user"] = "alice" });
        Assert.Equal(204, (int)deleted.StatusCode);
        await api.JsonAsync(HttpMethod.Get, $"v1/messages?conversation_id={conversationId}&user=alice", key, status: 404);
    }

    [Fact]
    public async Task Streaming_chat_sends_message_chunks_then_message_end_then_workflow_finished()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("chat_state.yml");

        var sse = await api.StreamAsync("v1/chat-messages", key, Ask("hello", mode: "streaming"));

        var names = sse.Names.ToList();
        Assert.Equal("workflow_started", names[0]);
        Assert.Equal(["message_end", "workflow_finished"], names[^2..]);
        var messageId = sse.Events[0]["message_id"]!.GetValue<string>();
        var conversationId = sse.Events[0]["conversation_id"]!.GetValue<string>();
        Assert.All(sse.Events, e =>
        {
            Assert.Equal(messageId, e["message_id"]!.GetValue<string>());
            Assert.Equal(conversationId, e["conversation_id"]!.GetValue<string>());
            Assert.NotNull(e["task_id"]);
            Assert.NotNull(e["created_at"]);
        });
        var chunks = sse.Events.Where(e => e["event"]!.GetValue<string>() == "message").ToList();
        Assert.All(chunks, c => Assert.Equal(messageId, c["id"]!.GetValue<string>()));
        var answer = string.Concat(chunks.Select(c => c["answer"]!.GetValue<string>()));
        Assert.StartsWith("Hello, turn 1: hello", answer);
        Assert.NotNull(sse.Last("message_end")["metadata"]!["usage"]!["total_tokens"]);

        var messages = await WorkflowRunTests.PollAsync(api, $"v1/messages?conversation_id={conversationId}&user=alice", key,
            m => m["data"]![0]!["answer"]!.GetValue<string>().Length > 0);
        Assert.Equal(answer, messages["data"]![0]!["answer"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_second_turn_sends_the_first_turn_to_the_model_as_memory()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = r => ChatReply.FromText("echo: " + r.LastUserText);
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (_, key) = await api.ImportAsync("chat_llm.yml");

        var first = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("What is 2+2?"));
        Assert.Equal("echo: What is 2+2?", first["answer"]!.GetValue<string>());
        var sse = await api.StreamAsync("v1/chat-messages", key, Ask("And 3+3?", first["conversation_id"]!.GetValue<string>(), "streaming"));

        Assert.Equal("echo: And 3+3?", string.Concat(sse.Events.Where(e => e["event"]!.GetValue<string>() == "message").Select(e => e["answer"]!.GetValue<string>())));
        // The turns' own calls (the conversation's title request is another, made in the background).
        var turns = model.Requests.Where(r => r.Messages[0].Text == "Be brief.").ToList();
        Assert.Equal(2, turns.Count);
        var second = turns[1].Messages;
        Assert.Equal(["system", "user", "assistant", "user"], second.Select(m => m.Role));
        Assert.Equal(["Be brief.", "What is 2+2?", "echo: What is 2+2?", "And 3+3?"], second.Select(m => m.Text));

        var parameters = await api.JsonAsync(HttpMethod.Get, "v1/parameters", key);
        Assert.Equal("Hi there", parameters["opening_statement"]!.GetValue<string>());
        Assert.Equal("What can you do?", parameters["suggested_questions"]![0]!.GetValue<string>());
        Assert.Empty(parameters["user_input_form"]!.AsArray());
        Assert.NotNull(parameters["system_parameters"]!["file_size_limit"]);
    }

    [Fact]
    public async Task Chat_routes_refuse_workflow_apps_and_need_a_query()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, workflowKey) = await api.ImportAsync("hello.yml");
        var (_, chatKey) = await api.ImportAsync("chat_state.yml");

        Assert.Equal("not_chat_app", (await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", workflowKey, Ask("hi"), 400))["code"]!.GetValue<string>());
        Assert.Equal("query is required", (await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", chatKey, new JsonObject { ["user"] = "u" }, 400))["message"]!.GetValue<string>());
        Assert.Equal("Conversation Not Exists.", (await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", chatKey, Ask("hi", Guid.NewGuid().ToString()), 404))["message"]!.GetValue<string>());
    }
}
