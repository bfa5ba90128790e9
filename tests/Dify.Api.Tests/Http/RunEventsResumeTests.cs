using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

public sealed class RunEventsResumeTests
{
    private const string Answer = "one two three four five six seven eight nine ten";

    /// <summary>Reads SSE events (with their ids) until <paramref name="stopAfter"/> says so or the stream ends; then drops the connection.</summary>
    private static async Task<List<(long? Id, JsonObject Event)>> ReadAsync(ApiHost api, string path, string key, long? lastEventId, Func<JsonObject, bool> stopAfter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (lastEventId is { } last) request.Headers.Add("Last-Event-ID", last.ToString());
        using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(long?, JsonObject)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        long? id = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..]);
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var e = (JsonObject)JsonNode.Parse(line[6..])!;
                events.Add((id, e));
                id = null;
                if (stopAfter(e)) break;
            }
        }
        return events;
    }

    private static string Text(IEnumerable<(long? Id, JsonObject Event)> events) =>
        string.Concat(events.Where(e => e.Event["event"]!.GetValue<string>() == "text_chunk").Select(e => e.Event["data"]!["text"]!.GetValue<string>()));

    [Fact]
    public async Task A_client_that_drops_its_stream_reconnects_and_gets_the_whole_answer()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = _ => new ChatReply { Text = Answer, Delay = TimeSpan.FromSeconds(1) };
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (_, key) = await api.ImportAsync("slow_llm.yml");

        // The first stream drops right after the run starts.
        string runId;
        using (var post = new HttpRequestMessage(HttpMethod.Post, "v1/workflows/run"))
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            post.Content = new StringContent(new JsonObject { ["inputs"] = new JsonObject { ["q"] = "count" }, ["response_mode"] = "streaming", ["user"] = "dana" }.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await api.Http.SendAsync(post, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await reader.ReadLineAsync();
            Assert.StartsWith("data: ", first);
            Assert.Equal("workflow_started", JsonNode.Parse(first![6..])!["event"]!.GetValue<string>());
            runId = JsonNode.Parse(first[6..])!["workflow_run_id"]!.GetValue<string>();
        }

        // Reconnect: replay from the beginning, drop again after the first chunk of text.
        var path = $"v1/workflow/{runId}/events?user=dana";
        var part1 = await ReadAsync(api, path, key, null, e => e["event"]!.GetValue<string>() == "text_chunk");
        Assert.Equal("workflow_started", part1[0].Event["event"]!.GetValue<string>());
        Assert.All(part1, e => Assert.NotNull(e.Id));
        // Resume after the last event seen, to the end.
        var part2 = await ReadAsync(api, path, key, part1[^1].Id, _ => false);
        Assert.Equal("workflow_finished", part2[^1].Event["event"]!.GetValue<string>());
        Assert.True(part2[0].Id > part1[^1].Id);

        var all = part1.Concat(part2).ToList();
        Assert.Equal(Answer, Text(all));
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct().Count());
        Assert.Equal(Answer, part2[^1].Event["data"]!["outputs"]!["text"]!.GetValue<string>());

        // A finished run replays in full; other users and unknown runs are not found.
        var replay = await ReadAsync(api, path, key, null, _ => false);
        Assert.Equal(Answer, Text(replay));
        await api.JsonAsync(HttpMethod.Get, $"v1/workflow/{runId}/events?user=eve", key, status: 404);
        await api.JsonAsync(HttpMethod.Get, $"v1/workflow/{Guid.NewGuid()}/events?user=dana", key, status: 404);
    }
}
