using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

public sealed class WorkflowRunTests
{
    private static JsonObject Run(string name, string mode = "blocking", string? user = "alice") =>
        new() { ["inputs"] = new JsonObject { ["name"] = name }, ["response_mode"] = mode, ["user"] = user };

    [Fact]
    public async Task Blocking_run_returns_the_finished_data_and_the_run_reads_back()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");

        var result = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, Run("Ann"));

        var runId = result["workflow_run_id"]!.GetValue<string>();
        Assert.Equal(runId, result["task_id"]!.GetValue<string>());
        var data = result["data"]!.AsObject();
        Assert.Equal(runId, data["id"]!.GetValue<string>());
        Assert.Equal("succeeded", data["status"]!.GetValue<string>());
        Assert.Equal("Hello, Ann!", data["outputs"]!["greeting"]!.GetValue<string>());
        Assert.Null(data["error"]);
        Assert.Equal(5, data["total_steps"]!.GetValue<int>());
        foreach (var field in new[] { "workflow_id", "elapsed_time", "total_tokens", "created_at", "finished_at" }) Assert.NotNull(data[field]);

        var stored = await api.JsonAsync(HttpMethod.Get, $"v1/workflows/run/{runId}", key);
        Assert.Equal("succeeded", stored["status"]!.GetValue<string>());
        Assert.Equal("{\"name\":\"Ann\"}", stored["inputs"]!.GetValue<string>());
        Assert.Equal("Hello, Ann!", stored["outputs"]!["greeting"]!.GetValue<string>());
        Assert.Equal(5, stored["total_steps"]!.GetValue<int>());

        var logs = await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs?status=succeeded", key);
        Assert.Equal(runId, Assert.Single(logs["data"]!.AsArray())!["workflow_run"]!["id"]!.GetValue<string>());
        Assert.Equal("alice", logs["data"]![0]!["created_by_end_user"]!["session_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Logs_filter_by_keyword_session_and_time_window()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");
        await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, Run("Ann"));
        await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, Run("Zed", user: "bob"));

        async Task<int> Total(string query) => (await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs?" + query, key))["total"]!.GetValue<int>();
        Assert.Equal(2, await Total("limit=10"));
        Assert.Equal(1, await Total("keyword=zed"));
        Assert.Equal(1, await Total("created_by_end_user_session_id=alice"));
        Assert.Equal(0, await Total("created_at__before=2000-01-01T00:00:00Z"));
        Assert.Equal(2, await Total("created_at__after=2000-01-01T00:00:00Z"));
        var bad = await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs?created_at__after=yesterday", key, status: 400);
        Assert.Equal("invalid_param", bad["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Streaming_run_sends_dify_events_in_order_ending_with_workflow_finished()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");

        var sse = await api.StreamAsync("v1/workflows/run", key, Run("", "streaming"));

        var names = sse.Names.ToList();
        Assert.Equal("workflow_started", names[0]);
        Assert.Equal("workflow_finished", names[^1]);
        Assert.Equal(["start", "shout", "nobody", "join", "end"],
            sse.Events.Where(e => e["event"]!.GetValue<string>() == "node_started").Select(e => e["data"]!["node_id"]!.GetValue<string>()));
        Assert.Equal(names.Count(n => n == "node_started"), names.Count(n => n == "node_finished"));
        Assert.Equal("Hello, whoever you are!", string.Concat(sse.Events.Where(e => e["event"]!.GetValue<string>() == "text_chunk").Select(e => e["data"]!["text"]!.GetValue<string>())));

        var runId = sse.Events[0]["workflow_run_id"]!.GetValue<string>();
        Assert.All(sse.Events, e =>
        {
            Assert.Equal(runId, e["task_id"]!.GetValue<string>());
            Assert.Equal(runId, e["workflow_run_id"]!.GetValue<string>());
            Assert.NotNull(e["data"]);
        });
        var finished = sse.Last("workflow_finished")["data"]!;
        Assert.Equal("succeeded", finished["status"]!.GetValue<string>());
        Assert.Equal("Hello, whoever you are!", finished["outputs"]!["greeting"]!.GetValue<string>());
        Assert.Equal(runId, finished["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_requests_get_the_error_envelope_and_start_nothing()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");
        var (_, chatKey) = await api.ImportAsync("chat_state.yml");

        await AssertError(api, Run(new string('x', 60)), key, 400, "invalid_param", "name in input form must be less than 48 characters");
        await AssertError(api, Run("Ann", user: null), key, 400, "invalid_param", "user is required");
        await AssertError(api, Run("Ann", mode: "later"), key, 400, "invalid_param", null);
        await AssertError(api, Run("Ann"), chatKey, 400, "not_workflow_app", null);
        await AssertError(api, new JsonObject { ["inputs"] = "nope", ["user"] = "u" }, key, 400, "invalid_param", null);

        using var malformed = await api.PostRawAsync("v1/workflows/run", key, "{\"inputs\": {");
        Assert.Equal(400, (int)malformed.StatusCode);
        Assert.Equal("invalid_param", (await ApiHost.JsonAsync(malformed))["code"]!.GetValue<string>());

        using var huge = await api.PostRawAsync("v1/workflows/run", key, "{\"user\":\"u\",\"inputs\":{\"name\":\"" + new string('a', 1024 * 1024 + 10) + "\"}}");
        Assert.Equal(413, (int)huge.StatusCode);
        var envelope = await ApiHost.JsonAsync(huge);
        Assert.Equal((413, "request_entity_too_large"), (envelope["status"]!.GetValue<int>(), envelope["code"]!.GetValue<string>()));

        using var unknown = await api.SendAsync(HttpMethod.Get, "v1/nothing-here", key);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal("not_found", (await ApiHost.JsonAsync(unknown))["code"]!.GetValue<string>());

        var logs = await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs", key);
        Assert.Equal(0, logs["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stopping_a_streaming_run_ends_it_stopped_and_pings_keep_the_stream_alive()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = _ => new ChatReply { Text = "too late", Delay = TimeSpan.FromSeconds(30) };
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?>(model.ModelsConfiguration()) { ["Api:PingIntervalSeconds"] = "0.2" });
        var (_, key) = await api.ImportAsync("slow_llm.yml");
        var clock = Stopwatch.StartNew();
        string? runId = null;

        var sse = await api.StreamAsync("v1/workflows/run", key,
            new JsonObject { ["inputs"] = new JsonObject { ["q"] = "hi" }, ["response_mode"] = "streaming", ["user"] = "bob" },
            async e =>
            {
                runId ??= e["workflow_run_id"]!.GetValue<string>();
                if (e["event"]!.GetValue<string>() == "node_started" && e["data"]!["node_id"]!.GetValue<string>() == "llm")
                {
                    await Task.Delay(500);
                    var other = await api.JsonAsync(HttpMethod.Post, $"v1/workflows/tasks/{runId}/stop", key, new JsonObject { ["user"] = "mallory" });
                    Assert.Equal("success", other["result"]!.GetValue<string>());
                    var stop = await api.JsonAsync(HttpMethod.Post, $"v1/workflows/tasks/{runId}/stop", key, new JsonObject { ["user"] = "bob" });
                    Assert.Equal("success", stop["result"]!.GetValue<string>());
                }
            });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the stop took {clock.Elapsed}");
        Assert.True(sse.Pings > 0);
        var finished = sse.Last("workflow_finished")["data"]!;
        Assert.Equal("stopped", finished["status"]!.GetValue<string>());
        Assert.Equal("workflow_finished", sse.Names.Last());

        var stored = await PollAsync(api, $"v1/workflows/run/{runId}", key, r => r["status"]!.GetValue<string>() != "running");
        Assert.Equal("stopped", stored["status"]!.GetValue<string>());
    }

    internal static async Task<JsonObject> PollAsync(ApiHost api, string path, string key, Func<JsonObject, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var json = await api.JsonAsync(HttpMethod.Get, path, key);
            if (done(json) || DateTime.UtcNow > until) return json;
            await Task.Delay(50);
        }
    }

    private static async Task AssertError(ApiHost api, JsonObject body, string key, int status, string code, string? message)
    {
        var error = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, body, status);
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(status, error["status"]!.GetValue<int>());
        if (message is not null) Assert.Equal(message, error["message"]!.GetValue<string>());
        Assert.Equal(3, error.Count);
    }
}
