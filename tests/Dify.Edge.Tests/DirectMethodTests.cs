using System.Text;
using System.Text.Json.Nodes;

namespace Dify.Edge.Tests;

[Collection(ModelsCollection.Name)]
public sealed class DirectMethodTests(ModelsFixture models)
{
    private static ReadOnlyMemory<byte> Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Ping_runTemplate_status_and_errors()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("defects", "3", Templates.DefectCheck());

        var ping = await edge.Methods.InvokeAsync("ping", default, CancellationToken.None);
        Assert.Equal(200, ping.Status);
        Assert.True((bool)ping.Body!["pong"]!);

        var status = await edge.Methods.InvokeAsync("status", default, CancellationToken.None);
        Assert.Equal(200, status.Status);
        Assert.False((bool)status.Body!["inference"]!["runtime_loaded"]!);
        Assert.Equal("cpu", (string)status.Body["inference"]!["provider"]!);
        Assert.Equal("3", (string)status.Body["templates"]!["defects"]!["version"]!);

        var frame = Convert.ToBase64String(Classifier.Png(Classifier.Frame(5), 8, 8));
        var run = await edge.Methods.InvokeAsync("runTemplate", Json(new JsonObject { ["template"] = "defects", ["inputs"] = new JsonObject { ["frame"] = frame } }.ToJsonString()), CancellationToken.None);
        Assert.Equal(200, run.Status);
        Assert.Equal("succeeded", (string)run.Body!["status"]!);
        var expected = Classifier.Probabilities(Classifier.ImageInput(Classifier.Frame(5), 0.5, 0.25));
        Assert.Equal(Classifier.Labels[Array.IndexOf(expected, expected.Max())], (string)run.Body["outputs"]!["top"]!["label"]!);

        status = await edge.Methods.InvokeAsync("status", default, CancellationToken.None);
        Assert.True((bool)status.Body!["inference"]!["runtime_loaded"]!);
        Assert.Equal(1, (int)status.Body["inference"]!["models_loaded"]!);
        Assert.Equal(1, (long)status.Body["queue"]!["depth"]!);
        Assert.Contains("CPUExecutionProvider", status.Body["inference"]!["available_providers"]!.AsArray().Select(p => (string)p!));

        Assert.Equal(404, (await edge.Methods.InvokeAsync("runTemplate", Json("""{"template":"nope"}"""), CancellationToken.None)).Status);
        Assert.Equal(400, (await edge.Methods.InvokeAsync("runTemplate", Json("""{"inputs":{}}"""), CancellationToken.None)).Status);
        Assert.Equal(400, (await edge.Methods.InvokeAsync("runTemplate", Json("{not json"), CancellationToken.None)).Status);
        Assert.Equal(404, (await edge.Methods.InvokeAsync("reboot", default, CancellationToken.None)).Status);
    }
}
