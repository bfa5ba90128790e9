using System.Text.Json.Nodes;
using Dify.Api.Conversations;
using Dify.Testing.OpenAiCompatible;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Api.Tests.Http;

/// <summary>Dify's full usage object (token split from the model's answer, prices from configuration) and LLM-made conversation names.</summary>
public sealed class ChatUsageAndNamingTests
{
    private const string TitleMarker = "short chat title";

    private static JsonObject Ask(string query, bool? autoName = null, string? conversationId = null, string mode = "blocking")
    {
        var body = new JsonObject { ["query"] = query, ["inputs"] = new JsonObject(), ["user"] = "alice", ["response_mode"] = mode, ["conversation_id"] = conversationId };
        if (autoName is not null) body["auto_generate_name"] = autoName;
        return body;
    }

    private static Dictionary<string, string?> Priced(OpenAiCompatibleServer model) => new(model.ModelsConfiguration())
    {
        ["Models:Pricing:gpt-4o-mini:Input"] = "0.15",
        ["Models:Pricing:gpt-4o-mini:Output"] = "0.60",
        ["Models:Pricing:gpt-4o-mini:Unit"] = "0.000001",
        ["Models:Pricing:gpt-4o-mini:Currency"] = "USD",
    };

    private static void AssertPricedUsage(JsonNode usage, int prompt, int completion)
    {
        Assert.Equal(prompt, usage["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(completion, usage["completion_tokens"]!.GetValue<int>());
        Assert.Equal(prompt + completion, usage["total_tokens"]!.GetValue<int>());
        Assert.Equal("0.15", usage["prompt_unit_price"]!.GetValue<string>());
        Assert.Equal("0.000001", usage["prompt_price_unit"]!.GetValue<string>());
        Assert.Equal("0.60", usage["completion_unit_price"]!.GetValue<string>());
        // tokens x unit price x unit, rounded to 7 decimals as Dify does
        Assert.Equal((prompt * 0.15m * 0.000001m).ToString("0.0000000", System.Globalization.CultureInfo.InvariantCulture), usage["prompt_price"]!.GetValue<string>());
        Assert.Equal((completion * 0.60m * 0.000001m).ToString("0.0000000", System.Globalization.CultureInfo.InvariantCulture), usage["completion_price"]!.GetValue<string>());
        Assert.Equal(((prompt * 0.15m + completion * 0.60m) * 0.000001m).ToString("0.0000000", System.Globalization.CultureInfo.InvariantCulture), usage["total_price"]!.GetValue<string>());
        Assert.Equal("USD", usage["currency"]!.GetValue<string>());
        Assert.True(usage["latency"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task Usage_splits_prompt_and_completion_tokens_from_the_model_and_prices_them_from_configuration()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = r => new ChatReply { Text = "An answer.", PromptTokens = 1234, CompletionTokens = 56 };
        await using var api = await ApiHost.StartAsync(Priced(model));
        var (_, key) = await api.ImportAsync("chat_llm.yml");

        var blocking = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hi", autoName: false));
        AssertPricedUsage(blocking["metadata"]!["usage"]!, 1234, 56);

        var stream = await api.StreamAsync("v1/chat-messages", key, Ask("again", autoName: false, conversationId: blocking["conversation_id"]!.GetValue<string>(), mode: "streaming"));
        AssertPricedUsage(stream.Last("message_end")["metadata"]!["usage"]!, 1234, 56);
        // The LLM node streams and asks the server for usage in the stream.
        Assert.Contains(model.Requests, r => r.IncludeUsage);
        var llmFinished = stream.Events.Last(e => e["event"]!.GetValue<string>() == "node_finished" && e["data"]!["node_type"]!.GetValue<string>() == "llm");
        Assert.Equal("0.0002187", llmFinished["data"]!["execution_metadata"]!["total_price"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unpriced_models_report_zero_prices_with_the_real_token_split()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = r => new ChatReply { Text = "An answer.", PromptTokens = 7, CompletionTokens = 3 };
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (_, key) = await api.ImportAsync("chat_llm.yml");
        var usage = (await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hi", autoName: false)))["metadata"]!["usage"]!;
        Assert.Equal((7, 3, 10), (usage["prompt_tokens"]!.GetValue<int>(), usage["completion_tokens"]!.GetValue<int>(), usage["total_tokens"]!.GetValue<int>()));
        Assert.Equal(("0", "0", "0"), (usage["prompt_price"]!.GetValue<string>(), usage["completion_unit_price"]!.GetValue<string>(), usage["total_price"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_new_conversation_is_named_by_the_model_and_falls_back_to_the_query()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        var titleReply = ChatReply.FromText("Here: {\"Language Type\": \"English\", \"Your Reasoning\": \"a greeting\", \"Your Output\": \"Friendly greeting 👋\"}");
        model.Responder = r => r.LastUserText.Contains(TitleMarker) ? titleReply : ChatReply.FromText("An answer.");
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (_, key) = await api.ImportAsync("chat_llm.yml");
        var namer = api.Host.Services.GetRequiredService<ConversationNamer>();

        async Task<string> NameAsync(string conversationId)
        {
            await namer.WhenIdleAsync();
            var list = await api.JsonAsync(HttpMethod.Get, "v1/conversations?user=alice&limit=100", key);
            return list["data"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == conversationId)!["name"]!.GetValue<string>();
        }

        var named = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("hello there, bot\nhow are you?"));
        Assert.Equal("Friendly greeting 👋", await NameAsync(named["conversation_id"]!.GetValue<string>()));
        var titlePrompt = model.Requests.Single(r => r.LastUserText.Contains(TitleMarker)).LastUserText;
        Assert.Contains("hello there, bot how are you?", titlePrompt);

        // Not JSON: Dify names the conversation after the query itself (capped at 75 characters).
        titleReply = ChatReply.FromText("I cannot do that.");
        var longQuery = new string('q', 100);
        var fallback = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask(longQuery));
        Assert.Equal(new string('q', 75) + "...", await NameAsync(fallback["conversation_id"]!.GetValue<string>()));

        // The model fails: the query-based name stays.
        titleReply = ChatReply.Error(500, "boom");
        var failed = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("weather in Paris"));
        Assert.Equal("weather in Paris", await NameAsync(failed["conversation_id"]!.GetValue<string>()));

        // auto_generate_name false: Dify's default name and no title request.
        var titleRequests = model.Requests.Count(r => r.LastUserText.Contains(TitleMarker));
        var plain = await api.JsonAsync(HttpMethod.Post, "v1/chat-messages", key, Ask("no name please", autoName: false));
        Assert.Equal("New conversation", await NameAsync(plain["conversation_id"]!.GetValue<string>()));
        Assert.Equal(titleRequests, model.Requests.Count(r => r.LastUserText.Contains(TitleMarker)));

        // Renaming with auto_generate asks the model about the first message.
        titleReply = ChatReply.FromText("{\"Your Output\": \"Declining a name\"}");
        var renamed = await api.JsonAsync(HttpMethod.Post, $"v1/conversations/{plain["conversation_id"]}/name", key, new JsonObject { ["auto_generate"] = true, ["user"] = "alice" });
        Assert.Equal("Declining a name", renamed["name"]!.GetValue<string>());
        Assert.Equal("Declining a name", await NameAsync(plain["conversation_id"]!.GetValue<string>()));
    }
}
