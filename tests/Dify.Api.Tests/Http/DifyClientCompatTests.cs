using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Api.Tests.Http;

/// <summary>
/// The official <c>dify-client</c> npm package (tests/compat, pinned) against the real host: a workflow
/// run blocking and streaming, a two-turn chat, feedback, parameters and a file upload.
/// Needs node and <c>npm ci --prefix tests/compat</c> (done by .ci/run).
/// </summary>
public sealed class DifyClientCompatTests
{
    private static string CompatFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "compat");
            if (File.Exists(Path.Combine(candidate, "compat.mjs"))) return candidate;
        }
        throw new InvalidOperationException("tests/compat not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task The_official_dify_client_package_works_unchanged()
    {
        var compat = CompatFolder();
        Assert.True(Directory.Exists(Path.Combine(compat, "node_modules", "dify-client")), "run: npm ci --prefix tests/compat");

        await using var model = await OpenAiCompatibleServer.StartAsync();
        model.Responder = r => ChatReply.FromText("You said: " + r.LastUserText);
        await using var api = await ApiHost.StartAsync(model.ModelsConfiguration());
        var (_, workflowKey) = await api.ImportAsync("hello.yml");
        var (_, chatKey) = await api.ImportAsync("chat_llm.yml");

        var start = new ProcessStartInfo("node", "compat.mjs")
        {
            WorkingDirectory = compat,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BASE_URL"] = api.Host.BaseAddress + "v1",
                ["WORKFLOW_KEY"] = workflowKey,
                ["CHAT_KEY"] = chatKey,
            },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}\n{await stdout}");
        var result = JsonNode.Parse(await stdout)!;

        Assert.Equal(200, result["workflowBlocking"]!["status"]!.GetValue<int>());
        Assert.Equal("succeeded", result["workflowBlocking"]!["runStatus"]!.GetValue<string>());
        Assert.Equal("Hello, Ada!", result["workflowBlocking"]!["outputs"]!.AsObject().First().Value!.GetValue<string>());
        Assert.StartsWith("text/event-stream", result["workflowStreaming"]!["contentType"]!.GetValue<string>());
        Assert.Equal("succeeded", result["workflowStreaming"]!["runStatus"]!.GetValue<string>());
        var workflowEvents = result["workflowStreaming"]!["events"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Equal("workflow_started", workflowEvents[0]);
        Assert.Contains("node_finished", workflowEvents);
        Assert.Equal("Hello, Grace!", result["workflowStreaming"]!["outputs"]!.AsObject().First().Value!.GetValue<string>());

        var chat = result["chat"]!;
        Assert.Equal("You said: What is Kestrel?", chat["firstAnswer"]!.GetValue<string>());
        Assert.Equal(chat["conversationId"]!.GetValue<string>(), chat["secondConversationId"]!.GetValue<string>());
        Assert.Equal("You said: And Dify?", chat["secondAnswer"]!.GetValue<string>());
        Assert.Contains("message_end", chat["secondEvents"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(2, chat["messageCount"]!.GetValue<int>());
        Assert.Equal(1, chat["conversationCount"]!.GetValue<int>());
        Assert.Equal("success", chat["feedback"]!.GetValue<string>());
        Assert.True(result["parameters"]!["hasUserInputForm"]!.GetValue<bool>());
        Assert.Equal("Hi there", result["parameters"]!["openingStatement"]!.GetValue<string>());

        var upload = result["upload"]!;
        Assert.Equal(201, upload["status"]!.GetValue<int>());
        Assert.Equal("compat.txt", upload["name"]!.GetValue<string>());
        Assert.Equal(16, upload["size"]!.GetValue<int>());
        Assert.Equal("txt", upload["extension"]!.GetValue<string>());
        Assert.True(upload["hasId"]!.GetValue<bool>());
    }
}
