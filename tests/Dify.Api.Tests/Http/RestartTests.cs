using System.Text.Json.Nodes;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

public sealed class RestartTests
{
    [Fact]
    public async Task A_run_cut_off_by_shutdown_resumes_on_the_next_start_and_is_recorded()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        using var data = new TempDirectory("dify-api-restart");
        model.Responder = _ => new ChatReply { Text = "slow", Delay = TimeSpan.FromSeconds(60) };
        string key;
        string runId;
        await using (var api = await ApiHost.StartAsync(model.ModelsConfiguration(), data.Path))
        {
            (_, key) = await api.ImportAsync("slow_llm.yml");
            var pending = api.SendAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject { ["q"] = "hi" }, ["user"] = "u" });
            var until = DateTime.UtcNow.AddSeconds(15);
            while (model.ChatRequestCount == 0 && DateTime.UtcNow < until) await Task.Delay(20);
            Assert.Equal(1, model.ChatRequestCount);
            var logs = await api.JsonAsync(HttpMethod.Get, "v1/workflows/logs", key);
            runId = logs["data"]![0]!["id"]!.GetValue<string>();
            Assert.Equal("running", logs["data"]![0]!["workflow_run"]!["status"]!.GetValue<string>());
            _ = pending.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }

        model.Responder = _ => ChatReply.FromText("resumed");
        await using (var api = await ApiHost.StartAsync(model.ModelsConfiguration(), data.Path))
        {
            var run = await WorkflowRunTests.PollAsync(api, $"v1/workflows/run/{runId}", key, r => r["status"]!.GetValue<string>() != "running");
            Assert.Equal("succeeded", run["status"]!.GetValue<string>());
            Assert.Equal("resumed", run["outputs"]!["text"]!.GetValue<string>());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
