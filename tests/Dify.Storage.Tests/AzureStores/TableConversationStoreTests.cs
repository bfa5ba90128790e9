using System.Text.Json.Nodes;
using Dify.Storage.AzureStores;
using Dify.Storage.Conversations;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.AzureStores;

/// <summary>The cases of Dify.Api.Tests' SqliteConversationStoreTests (copied: same contract), plus table-specific ones.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableConversationStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static ConversationRecord Conversation(string id, string user, int second) =>
        new(id, "app", user, "New conversation", new JsonObject { ["x"] = 1 }, "normal", T0.AddSeconds(second), T0.AddSeconds(second));

    private static MessageRecord Message(string id, string conversation, int second, string answer = "") =>
        new(id, conversation, "app", "q " + id, answer, new JsonObject(), "run-" + id, "normal", null, 0, T0.AddSeconds(second));

    [Fact]
    public async Task End_users_are_created_once_per_app_and_session()
    {
        var users = new TableEndUserStore(await AzureStoreFixture.NewAccountAsync(azurite), TimeProvider.System);
        var a = await users.GetOrCreateAsync("app", "alice", Ct);
        var again = await users.GetOrCreateAsync("app", "alice", Ct);
        var other = await users.GetOrCreateAsync("app2", "alice", Ct);

        Assert.Equal(a, again);
        Assert.NotEqual(a.Id, other.Id);
        Assert.Null(await users.FindAsync("app", "bob", Ct));
        var odd = await users.GetOrCreateAsync("app", "a/b?c#d|e%f", Ct);
        Assert.Equal(odd, await users.FindAsync("app", "a/b?c#d|e%f", Ct));
    }

    [Fact]
    public async Task Conversations_are_scoped_to_the_user_paged_by_last_id_renamed_and_deleted_with_their_rows()
    {
        var store = new TableConversationStore(await AzureStoreFixture.NewAccountAsync(azurite));
        for (var i = 1; i <= 3; i++) await store.CreateAsync(Conversation("c" + i, "u1", i), [], Ct);
        await store.CreateAsync(Conversation("other", "u2", 9), [], Ct);

        var first = (await store.ListAsync("app", "u1", null, 2, "-updated_at", Ct))!;
        Assert.Equal(["c3", "c2"], first.Items.Select(c => c.Id));
        Assert.True(first.HasMore);
        var second = (await store.ListAsync("app", "u1", "c2", 2, "-updated_at", Ct))!;
        Assert.Equal(["c1"], second.Items.Select(c => c.Id));
        Assert.False(second.HasMore);
        Assert.Null(await store.ListAsync("app", "u1", "other", 2, "-updated_at", Ct));
        Assert.Equal(["c1", "c2", "c3"], (await store.ListAsync("app", "u1", null, 10, "created_at", Ct))!.Items.Select(c => c.Id));

        Assert.Null(await store.GetAsync("app", "u1", "other", Ct));
        Assert.True(await store.RenameAsync("app", "u1", "c1", "Renamed", Ct));
        Assert.False(await store.RenameAsync("app", "u2", "c1", "Stolen", Ct));
        Assert.Equal("Renamed", (await store.GetAsync("app", "u1", "c1", Ct))!.Name);
        Assert.Equal(1, (await store.GetAsync("app", "u1", "c1", Ct))!.Inputs["x"]!.GetValue<int>());

        await store.AddMessageAsync(Message("m1", "c1", 20), Ct);
        Assert.False(await store.DeleteAsync("app", "u2", "c1", Ct));
        Assert.True(await store.DeleteAsync("app", "u1", "c1", Ct));
        Assert.Null(await store.GetMessageAsync("m1", Ct));
        Assert.Null(await store.GetAsync("app", "u1", "c1", Ct));
        Assert.Empty(await store.HistoryAsync("c1", Ct));
    }

    [Fact]
    public async Task Messages_page_back_from_first_id_and_history_holds_answered_turns_oldest_first()
    {
        var store = new TableConversationStore(await AzureStoreFixture.NewAccountAsync(azurite));
        await store.CreateAsync(Conversation("c", "u", 0), [], Ct);
        for (var i = 1; i <= 5; i++) await store.AddMessageAsync(Message("m" + i, "c", 10, answer: i < 5 ? "a" + i : ""), Ct);

        var latest = (await store.ListMessagesAsync("c", null, 2, Ct))!;
        Assert.Equal(["m4", "m5"], latest.Items.Select(m => m.Id));
        Assert.True(latest.HasMore);
        var older = (await store.ListMessagesAsync("c", "m4", 10, Ct))!;
        Assert.Equal(["m1", "m2", "m3"], older.Items.Select(m => m.Id));
        Assert.False(older.HasMore);
        Assert.Null(await store.ListMessagesAsync("c", "nope", 10, Ct));

        Assert.Equal(["a1", "a2", "a3", "a4"], (await store.HistoryAsync("c", Ct)).Select(m => m.Answer));
        Assert.Equal(T0.AddSeconds(10), (await store.GetAsync("app", "u", "c", Ct))!.UpdatedAt);
    }

    [Fact]
    public async Task Completing_a_turn_writes_the_answer_and_upserts_variables_idempotently()
    {
        var store = new TableConversationStore(await AzureStoreFixture.NewAccountAsync(azurite));
        var turns = new ConversationVariableRecord("v1", "c", "turns", "number", JsonValue.Create(0), "count", T0, T0);
        await store.CreateAsync(Conversation("c", "u", 0), [turns], Ct);
        await store.AddMessageAsync(Message("m1", "c", 1), Ct);

        var completion = new TurnCompletion("c", "m1", "hello", "normal", null, 12,
            new Dictionary<string, JsonNode?> { ["turns"] = 1, ["log"] = new JsonArray("q") }, T0.AddSeconds(5));
        await store.CompleteTurnAsync(completion, Ct);
        await store.CompleteTurnAsync(completion, Ct);

        var message = (await store.GetMessageAsync("m1", Ct))!;
        Assert.Equal(("hello", 12), (message.Answer, message.TotalTokens));
        var variables = await store.GetVariablesAsync("c", Ct);
        Assert.Equal(["turns", "log"], variables.Select(v => v.Name));
        Assert.Equal(("v1", "number", "count", "1"), (variables[0].Id, variables[0].ValueType, variables[0].Description, variables[0].Value!.ToJsonString()));
        Assert.Equal(T0.AddSeconds(5), variables[0].UpdatedAt);
        Assert.Equal("[\"q\"]", variables[1].Value!.ToJsonString());
        Assert.Equal(T0.AddSeconds(5), (await store.GetAsync("app", "u", "c", Ct))!.UpdatedAt);
    }

    [Fact]
    public async Task A_single_variable_is_set_by_id_and_unknown_ids_or_conversations_answer_null()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var store = new TableConversationStore(account);
        var turns = new ConversationVariableRecord("v1", "c", "turns", "number", JsonValue.Create(0), "count", T0, T0);
        var log = new ConversationVariableRecord("v2", "c", "log", "array[string]", new JsonArray(), "", T0, T0);
        await store.CreateAsync(Conversation("c", "u", 0), [turns, log], Ct);

        var updated = await store.SetValueAsync("c", "v2", new JsonArray("a", "b"), T0.AddSeconds(7), Ct);

        Assert.NotNull(updated);
        Assert.Equal(("v2", "log", "array[string]", "[\"a\",\"b\"]", T0.AddSeconds(7), T0), (updated.Id, updated.Name, updated.ValueType, updated.Value!.ToJsonString(), updated.UpdatedAt, updated.CreatedAt));
        var stored = await new TableConversationStore(account).GetVariablesAsync("c", Ct);
        Assert.Equal(["turns", "log"], stored.Select(v => v.Name)); // order kept
        Assert.Equal("0", stored[0].Value!.ToJsonString()); // the other variable untouched
        Assert.Equal(updated, stored[1] with { Value = updated.Value });
        Assert.Equal("[\"a\",\"b\"]", stored[1].Value!.ToJsonString());

        Assert.Null(await store.SetValueAsync("c", "nope", JsonValue.Create(1), T0, Ct));
        Assert.Null(await store.SetValueAsync("missing", "v1", JsonValue.Create(1), T0, Ct));
        await store.DeleteAsync("app", "u", "c", Ct);
        Assert.Null(await store.SetValueAsync("c", "v1", JsonValue.Create(1), T0, Ct));
    }

    [Fact]
    public async Task Variable_updates_from_two_instances_racing_turns_all_land()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var api = new TableConversationStore(account);
        var runs = new TableConversationStore(account); // another instance completing turns
        var variables = new[]
        {
            new ConversationVariableRecord("v1", "c", "turns", "number", JsonValue.Create(0), "", T0, T0),
            new ConversationVariableRecord("v2", "c", "note", "string", JsonValue.Create(""), "", T0, T0),
        };
        await api.CreateAsync(Conversation("c", "u", 0), variables, Ct);
        for (var i = 1; i <= 6; i++) await runs.AddMessageAsync(Message("m" + i, "c", i), Ct);

        // Turns rewrite both rows while two API instances set "note": lost ETag races are retried, never failed or dropped.
        var sets = Enumerable.Range(1, 8).Select(i => (i % 2 == 0 ? api : runs).SetValueAsync("c", "v2", JsonValue.Create("n" + i), T0.AddSeconds(i), Ct)).ToList();
        var turns = Enumerable.Range(1, 6).Select(i => runs.CompleteTurnAsync(new TurnCompletion("c", "m" + i, "a" + i, "normal", null, 1,
            new Dictionary<string, JsonNode?> { ["turns"] = i, ["note"] = "t" + i }, T0.AddSeconds(i)), Ct));
        await Task.WhenAll(turns.Concat<Task>(sets));

        Assert.All(sets, s => Assert.Equal("v2", s.Result?.Id));
        var stored = await api.GetVariablesAsync("c", Ct);
        Assert.Equal(["turns", "note"], stored.Select(v => v.Name));
        Assert.Matches("^[nt][1-8]$", stored[1].Value!.GetValue<string>());
        Assert.Equal("", stored[1].Description);
        Assert.Equal(6, (await api.ListMessagesAsync("c", null, 10, Ct))!.Items.Count(m => m.Answer.Length > 0));
    }

    [Fact]
    public async Task Concurrent_writers_on_one_conversation_lose_no_message_and_keep_their_order()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var a = new TableConversationStore(account);
        var b = new TableConversationStore(account); // as another process would
        await a.CreateAsync(Conversation("c", "u", 0), [], Ct);
        await Task.WhenAll(Enumerable.Range(1, 12).Select(i => (i % 2 == 0 ? a : b).AddMessageAsync(Message("m" + i, "c", 30), Ct)));

        var all = (await a.ListMessagesAsync("c", null, 100, Ct))!;
        Assert.Equal(12, all.Items.Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => "m" + i).Order(), all.Items.Select(m => m.Id).Order());
        var page = (await b.ListMessagesAsync("c", all.Items[6].Id, 100, Ct))!;
        Assert.Equal(all.Items.Take(6).Select(m => m.Id), page.Items.Select(m => m.Id));
    }

    [Fact]
    public async Task Long_answers_and_many_variables_round_trip()
    {
        var store = new TableConversationStore(await AzureStoreFixture.NewAccountAsync(azurite));
        var initial = Enumerable.Range(0, 120).Select(i => new ConversationVariableRecord("v" + i, "c", "n" + i, "number", JsonValue.Create(i), "", T0, T0)).ToList();
        await store.CreateAsync(Conversation("c", "u", 0), initial, Ct);
        await store.AddMessageAsync(Message("m1", "c", 1) with { Query = new string('q', 40_000) }, Ct);
        var answer = string.Concat(Enumerable.Repeat("ünïcode answer ", 10_000));
        var updates = Enumerable.Range(0, 120).ToDictionary(i => "n" + i, i => (JsonNode?)JsonValue.Create(i * 10));
        await store.CompleteTurnAsync(new TurnCompletion("c", "m1", answer, "normal", null, 3, updates, T0.AddSeconds(2)), Ct);

        var message = (await store.GetMessageAsync("m1", Ct))!;
        Assert.Equal((answer, 40_000), (message.Answer, message.Query.Length));
        var variables = await store.GetVariablesAsync("c", Ct);
        Assert.Equal(initial.Select(v => v.Name), variables.Select(v => v.Name));
        Assert.All(variables, v => Assert.Equal(int.Parse(v.Name[1..], System.Globalization.CultureInfo.InvariantCulture) * 10, v.Value!.GetValue<int>()));
    }
}
