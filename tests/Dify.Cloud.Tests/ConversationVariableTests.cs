using System.Text.Json.Nodes;
using Dify.Storage.Tests.Azurite;
using static Dify.Cloud.Tests.CloudHttp;

namespace Dify.Cloud.Tests;

/// <summary><c>PUT /v1/conversations/{id}/variables/{variable_id}</c> on the Table conversation store, as a Dify client calls it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConversationVariableTests(AzuriteFixture azurite)
{
    private static JsonObject Ask(string query, string? conversationId = null) => new()
    {
        ["query"] = query, ["inputs"] = new JsonObject(), ["user"] = "alice", ["conversation_id"] = conversationId, ["response_mode"] = "blocking",
    };

    [Fact]
    public async Task A_conversation_variable_is_set_type_checked_and_the_next_turn_sees_it()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var (_, key) = await ImportAsync(cloud.Http, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chat_state.yml")));
        var first = await SendAsync(cloud.Http, HttpMethod.Post, "v1/chat-messages", key, Ask("hi"));
        var conversationId = first["conversation_id"]!.GetValue<string>();
        var variables = await SendAsync(cloud.Http, HttpMethod.Get, $"v1/conversations/{conversationId}/variables?user=alice", key, null);
        var id = variables["data"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "turns")!["id"]!.GetValue<string>();

        var updated = await SendAsync(cloud.Http, HttpMethod.Put, $"v1/conversations/{conversationId}/variables/{id}", key, new JsonObject { ["value"] = 10, ["user"] = "alice" });
        Assert.Equal((id, "turns", "number", "10"), (updated["id"]!.GetValue<string>(), updated["name"]!.GetValue<string>(), updated["value_type"]!.GetValue<string>(), updated["value"]!.GetValue<string>()));

        var mismatch = await SendAsync(cloud.Http, HttpMethod.Put, $"v1/conversations/{conversationId}/variables/{id}", key, new JsonObject { ["value"] = "ten", ["user"] = "alice" }, 400);
        Assert.Equal("Type mismatch: variable expects number, but got str type", mismatch["message"]!.GetValue<string>());
        await SendAsync(cloud.Http, HttpMethod.Put, $"v1/conversations/{conversationId}/variables/nope", key, new JsonObject { ["value"] = 1, ["user"] = "alice" }, 404);
        await SendAsync(cloud.Http, HttpMethod.Put, $"v1/conversations/{conversationId}/variables/{id}", key, new JsonObject { ["value"] = 1, ["user"] = "bob" }, 404);

        var second = await SendAsync(cloud.Http, HttpMethod.Post, "v1/chat-messages", key, Ask("again", conversationId));
        Assert.StartsWith("Hello, turn 11: again", second["answer"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
