using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dify.IoTHub.Templates;

namespace Dify.IoTHub.Tests;

public sealed class TemplatePublisherTests
{
    /// <summary>Hands out URLs the way a blob SAS provider would, and records what it was asked for.</summary>
    private sealed class RecordingUrls : IBlobUrlProvider
    {
        public List<(string Id, string Version)> Asked { get; } = [];

        public Task<Uri> GetReadUrlAsync(string templateId, string versionKey, string dsl, CancellationToken cancellationToken)
        {
            Asked.Add((templateId, versionKey));
            return Task.FromResult(new Uri($"https://acct.blob.core.windows.net/templates/{versionKey}.yml?sv=x&sig=y"));
        }
    }

    [Fact]
    public async Task Small_dsl_goes_inline_large_dsl_as_a_url_with_its_hash_and_unpublish_removes_it()
    {
        await using var hub = await FakeIoTHub.StartAsync();
        hub.AddModule("cam-1", "dify");
        var urls = new RecordingUrls();
        var client = new IoTHubServiceClient(FakeIoTHub.ConnectionString, new IoTHubClientOptions { Endpoint = hub.BaseAddress });
        var publisher = new TemplatePublisher(client, urls, new TemplatePublisherOptions { InlineMaxBytes = 1024 });

        var small = "app:\n  name: ünï\n";
        var twin = await publisher.PublishAsync("cam-1", "dify", "app-a", "v1", small);
        var a = twin.Desired["templates"]!["app-a"]!;
        Assert.Equal((small, "v1", Sha(small), Encoding.UTF8.GetByteCount(small)), (a["content"]!.GetValue<string>(), a["version"]!.GetValue<string>(), a["sha256"]!.GetValue<string>(), a["size"]!.GetValue<int>()));
        Assert.Null(a["url"]);
        Assert.Empty(urls.Asked);

        var large = new string('x', 5000);
        twin = await publisher.PublishAsync("cam-1", "dify", "app-b", "v7", large);
        var b = twin.Desired["templates"]!["app-b"]!;
        Assert.Equal(("https://acct.blob.core.windows.net/templates/v7.yml?sv=x&sig=y", Sha(large), 5000), (b["url"]!.GetValue<string>(), b["sha256"]!.GetValue<string>(), b["size"]!.GetValue<int>()));
        Assert.Null(b["content"]);
        Assert.Equal([("app-b", "v7")], urls.Asked);
        Assert.NotNull(twin.Desired["templates"]!["app-a"]); // a merge patch: the other template stays
        Assert.Equal("{\"properties\":{\"desired\":{\"templates\":{\"app-b\":" + b.ToJsonString() + "}}}}", hub.Requests[^1].Body);

        twin = await publisher.UnpublishAsync("cam-1", "dify", "app-a");
        Assert.False(twin.Desired["templates"]!.AsObject().ContainsKey("app-a"));
        Assert.Equal("{\"properties\":{\"desired\":{\"templates\":{\"app-a\":null}}}}", hub.Requests[^1].Body);
        await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync("cam-1", "dify", "bad.id", "v", "x"));
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
