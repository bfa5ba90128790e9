using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Models.Tests;

/// <summary>The fake server itself: raw wire format and throughput.</summary>
public sealed class ServerTests
{
    [Fact]
    public async Task Endpoint_is_loopback_with_random_port()
    {
        await using var a = await OpenAiCompatibleServer.StartAsync();
        await using var b = await OpenAiCompatibleServer.StartAsync();

        Assert.Matches(@"^http://127\.0\.0\.1:\d+/v1$", a.Endpoint);
        Assert.NotEqual(a.Endpoint, b.Endpoint);
    }

    [Fact]
    public async Task Raw_stream_has_chunks_usage_and_done()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        using var http = new HttpClient();
        var body = """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b"}]}""";

        var response = await http.PostAsync(server.Endpoint + "/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var usageChunk = JsonNode.Parse(events[^2]["data: ".Length..])!;
        Assert.Empty(usageChunk["choices"]!.AsArray());
        Assert.Equal(2, usageChunk["usage"]!["prompt_tokens"]!.GetValue<int>());
        var chunks = events[..^2].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c["object"]!.GetValue<string>()));
        Assert.Equal("a b", string.Concat(chunks.Select(c => c["choices"]![0]!["delta"]!["content"]?.GetValue<string>())));
        Assert.Equal("stop", chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unauthorized_uses_the_openai_error_envelope()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.ExpectedApiKey = "k";
        using var http = new HttpClient();

        var response = await http.PostAsync(server.Endpoint + "/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", error["code"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Base64_embeddings_decode_to_the_same_vectors()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        using var http = new HttpClient();

        var response = await http.PostAsync(server.Endpoint + "/embeddings",
            new StringContent("""{"model":"e","input":["hello world"],"encoding_format":"base64","dimensions":16}""", Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var bytes = Convert.FromBase64String(json["data"]![0]!["embedding"]!.GetValue<string>());
        var vector = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, vector, 0, bytes.Length);
        Assert.Equal(DeterministicEmbedder.Embed("hello world", 16), vector);
        Assert.Equal(2, json["usage"]!["prompt_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Handles_hundreds_of_concurrent_requests_through_the_adapter()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.RecordRequests = false;
        var models = TestModels.For(server);

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            models.Chat.CompleteAsync(TestModels.Ask($"message {i}"), i % 2 == 0 ? null : _ => ValueTask.CompletedTask, CancellationToken.None)));

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"message {i}"), results.Select(r => r.Text));
        Assert.Equal(300, server.ChatRequestCount);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void TempDirectory_is_unique_and_removed()
    {
        string path;
        using (var a = new TempDirectory())
        using (var b = new TempDirectory())
        {
            Assert.NotEqual(a.Path, b.Path);
            File.WriteAllText(a.Combine("x.txt"), "x");
            Directory.CreateDirectory(a.Combine("sub"));
            path = a.Path;
            Assert.True(File.Exists(Path.Combine(path, "x.txt")));
        }

        Assert.False(Directory.Exists(path));
    }
}
