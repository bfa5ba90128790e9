using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Tests;

[Collection(ModelsCollection.Name)]
public sealed class TemplateSyncTests(ModelsFixture models)
{
    private static JsonObject Entry(string version, string content, bool enabled = true) =>
        new() { ["version"] = version, ["content"] = content, ["enabled"] = enabled };

    private static JsonObject Patch(string id, JsonNode? entry) => new() { ["templates"] = new JsonObject { [id] = entry }, ["$version"] = 2 };

    [Fact]
    public async Task Desired_templates_are_stored_activated_and_reported_and_survive_a_restart()
    {
        using var data = new Dify.Testing.TempDirectory("dify-edge-sync");
        await using (var edge = new EdgeHarness(models.Directory, data.Path))
        {
            edge.Twin.Desired = new JsonObject { ["templates"] = new JsonObject { ["echo"] = Entry("1", Templates.Echo("v1")) }, ["$version"] = 1 };
            await edge.Sync.StartAsync(CancellationToken.None);
            Assert.Equal("1", edge.Store.Find("echo")!.Version);
            Assert.Equal("""{"version":"1","status":"active","error":null}""", edge.Twin.Reported["templates"]!["echo"]!.ToJsonString());

            await edge.Twin.PushAsync(Patch("defects", Entry("7", Templates.DefectCheck())));
            Assert.Equal("active", (string)edge.Twin.Reported["templates"]!["defects"]!["status"]!);
            var outcome = await edge.Runner.RunAsync("echo", new JsonObject { ["x"] = 5 }, CancellationToken.None);
            Assert.Equal(5, (int)outcome.Outputs["x"]!);
        }

        await using var restarted = new EdgeHarness(models.Directory, data.Path);
        await restarted.Store.LoadAsync(CancellationToken.None);
        Assert.Equal(["defects", "echo"], restarted.Store.Active.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("7", restarted.Store.Find("defects")!.Version);
        var again = await restarted.Runner.RunAsync("echo", new JsonObject { ["x"] = 6 }, CancellationToken.None);
        Assert.Equal(6, (int)again.Outputs["x"]!);
    }

    [Fact]
    public async Task A_rejected_version_is_reported_and_the_previous_version_keeps_running()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.Sync.StartAsync(CancellationToken.None);
        await edge.Twin.PushAsync(Patch("echo", Entry("1", Templates.Echo("v1"))));
        var key = edge.Store.Find("echo")!.Definition.Key;

        // v2: broken graph (an edge to a node that does not exist).
        var broken = Templates.Echo("v2").Replace("- {source: start, target: end}", "- {source: start, target: nowhere}", StringComparison.Ordinal);
        await edge.Twin.PushAsync(Patch("echo", Entry("2", broken)));
        var reported = edge.Twin.Reported["templates"]!["echo"]!;
        Assert.Equal("2", (string)reported["version"]!);
        Assert.Equal("rejected", (string)reported["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)reported["error"]));
        Assert.Equal("1", edge.Store.Find("echo")!.Version);
        Assert.Equal(key, edge.Store.Find("echo")!.Definition.Key);
        Assert.Equal(9, (int)(await edge.Runner.RunAsync("echo", new JsonObject { ["x"] = 9 }, CancellationToken.None)).Outputs["x"]!);

        // A chatflow is not an edge template; neither is YAML that is not a Dify app.
        await edge.Twin.PushAsync(Patch("echo", Entry("3", Templates.Echo("v3").Replace("mode: workflow", "mode: advanced-chat", StringComparison.Ordinal))));
        Assert.Equal("rejected", (string)edge.Twin.Reported["templates"]!["echo"]!["status"]!);
        await edge.Twin.PushAsync(Patch("echo", Entry("4", "just: [text")));
        Assert.Equal("rejected", (string)edge.Twin.Reported["templates"]!["echo"]!["status"]!);
        Assert.Equal("1", edge.Store.Find("echo")!.Version);

        // A patch with only "enabled" applies to the active version; null removes the template.
        await edge.Twin.PushAsync(Patch("echo", Entry("5", Templates.Echo("v5"))));
        await edge.Twin.PushAsync(Patch("echo", new JsonObject { ["enabled"] = false }));
        Assert.False(edge.Store.Find("echo")!.Enabled);
        Assert.Equal("disabled", (string)edge.Twin.Reported["templates"]!["echo"]!["status"]!);
        await edge.Twin.PushAsync(Patch("echo", null));
        Assert.Null(edge.Store.Find("echo"));
        Assert.False(edge.Twin.Reported["templates"]!.AsObject().ContainsKey("echo"));
    }

    [Fact]
    public async Task Templates_by_url_are_fetched_hash_checked_and_size_limited()
    {
        await using var server = await ContentServer.StartAsync();
        await using var edge = new EdgeHarness(models.Directory);
        await edge.Sync.StartAsync(CancellationToken.None);
        var content = Templates.Echo("url");
        server.Files["/t.yml"] = content;
        server.Files["/big.yml"] = content + new string('#', 70 * 1024);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

        await edge.Twin.PushAsync(Patch("u", new JsonObject { ["version"] = "1", ["url"] = server.BaseAddress + "/t.yml", ["sha256"] = new string('0', 64) }));
        Assert.Contains("sha256 mismatch", (string)edge.Twin.Reported["templates"]!["u"]!["error"]!);
        Assert.Null(edge.Store.Find("u"));

        await edge.Twin.PushAsync(Patch("u", new JsonObject { ["version"] = "2", ["url"] = server.BaseAddress + "/big.yml", ["sha256"] = sha }));
        Assert.Contains("larger than", (string)edge.Twin.Reported["templates"]!["u"]!["error"]!);

        await edge.Twin.PushAsync(Patch("u", new JsonObject { ["version"] = "3", ["url"] = server.BaseAddress + "/t.yml", ["sha256"] = sha.ToUpperInvariant() }));
        Assert.Equal("active", (string)edge.Twin.Reported["templates"]!["u"]!["status"]!);
        Assert.Equal("3", edge.Store.Find("u")!.Version);
        var hits = server.Hits;
        // Re-applying the same desired document (a reconnect's full twin read) fetches nothing again.
        await edge.Sync.ApplyAsync(edge.Twin.Desired, fullDocument: true, CancellationToken.None);
        Assert.Equal(hits, server.Hits);
    }

    private sealed class ContentServer : IAsyncDisposable
    {
        private readonly WebApplication app;
        private int hits;

        private ContentServer(WebApplication app) => this.app = app;

        public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);
        public string BaseAddress { get; private set; } = "";
        public int Hits => Volatile.Read(ref hits);

        public static async Task<ContentServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new ContentServer(app);
            app.Run(async context =>
            {
                Interlocked.Increment(ref server.hits);
                if (server.Files.TryGetValue(context.Request.Path.Value ?? "", out var text)) await context.Response.WriteAsync(text);
                else context.Response.StatusCode = 404;
            });
            await app.StartAsync();
            server.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return server;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
