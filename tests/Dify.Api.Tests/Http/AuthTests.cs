using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

public sealed class AuthTests
{
    private static readonly JsonObject SlowRun = new() { ["inputs"] = new JsonObject { ["q"] = "hi" }, ["user"] = "u" };

    [Fact]
    public async Task Missing_wrong_revoked_and_deleted_app_keys_are_401_and_run_nothing()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (appId, key) = await api.ImportAsync("slow_llm.yml");

        await AssertUnauthorized(api, null);
        await AssertUnauthorized(api, "app-" + new string('x', 24));
        await AssertUnauthorized(api, ApiHost.AdminKey);

        using var created = await api.Admin(HttpMethod.Post, $"console/api/apps/{appId}/api-keys");
        var second = await ApiHost.JsonAsync(created);
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(("app", 28), (second["type"]!.GetValue<string>(), second["token"]!.GetValue<string>().Length));
        using var revoked = await api.Admin(HttpMethod.Delete, $"console/api/apps/{appId}/api-keys/{second["id"]}");
        Assert.Equal(204, (int)revoked.StatusCode);
        await AssertUnauthorized(api, second["token"]!.GetValue<string>());

        Assert.Equal(0, model.ChatRequestCount);
        var logs = await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs", key);
        Assert.Equal(0, logs["total"]!.GetValue<int>());

        using var deleted = await api.Admin(HttpMethod.Delete, $"console/api/apps/{appId}");
        Assert.Equal(204, (int)deleted.StatusCode);
        await AssertUnauthorized(api, key);
        Assert.Equal(0, model.ChatRequestCount);
    }

    [Fact]
    public async Task Another_apps_key_cannot_read_or_stop_a_run()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");
        var (_, otherKey) = await api.ImportAsync("hello.yml");

        var run = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject(), ["user"] = "u" });
        var runId = run["workflow_run_id"]!.GetValue<string>();

        Assert.Equal("not_found", (await api.JsonAsync(HttpMethod.Get, $"v1/workflows/run/{runId}", otherKey, status: 404))["code"]!.GetValue<string>());
        Assert.Equal(0, (await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs", otherKey))["total"]!.GetValue<int>());
        Assert.Equal("succeeded", (await api.JsonAsync(HttpMethod.Get, $"v1/workflows/run/{runId}", key))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Console_routes_need_the_admin_key()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");

        foreach (var wrong in new string?[] { null, "nope", key })
        {
            using var response = await api.Admin(HttpMethod.Get, "console/api/apps", key: wrong!);
            Assert.Equal(401, (int)response.StatusCode);
            Assert.Equal("unauthorized", (await ApiHost.JsonAsync(response))["code"]!.GetValue<string>());
        }
    }

    private static async Task AssertUnauthorized(ApiHost api, string? key)
    {
        var error = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, SlowRun, 401);
        Assert.Equal("unauthorized", error["code"]!.GetValue<string>());
        Assert.Equal(401, error["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Beyond_the_apps_active_run_limit_requests_get_429()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = _ => new ChatReply { Text = "slow", Delay = TimeSpan.FromSeconds(30) };
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?>(model.ModelsConfiguration()) { ["Api:MaxActiveRunsPerApp"] = "1" });
        var (_, key) = await api.ImportAsync("slow_llm.yml");

        var first = api.StreamAsync("v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject { ["q"] = "hi" }, ["user"] = "u", ["response_mode"] = "streaming" });
        var until = DateTime.UtcNow.AddSeconds(15);
        while (model.ChatRequestCount == 0 && DateTime.UtcNow < until) await Task.Delay(20);

        var error = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, SlowRun, 429);
        Assert.Equal("too_many_requests", error["code"]!.GetValue<string>());

        var runId = (await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs", key))["data"]![0]!["id"]!.GetValue<string>();
        await api.JsonAsync(HttpMethod.Post, $"v1/workflows/tasks/{runId}/stop", key, new JsonObject { ["user"] = "u" });
        Assert.Equal("stopped", (await first).Last("workflow_finished")["data"]!["status"]!.GetValue<string>());
        Assert.Equal(1, model.ChatRequestCount);
    }
}
