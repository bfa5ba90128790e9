using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing;
using Xunit.Abstractions;

namespace Dify.Host.Tests;

/// <summary>
/// Kills the host process in the middle of a run (after some activity nodes completed) and shows
/// that the same command resumes the run to completion without re-running completed nodes.
/// </summary>
public sealed class CrashResumeTests(ITestOutputHelper output)
{
    private static string ChainApp(string baseAddress, int steps)
    {
        var sb = new StringBuilder("""
            version: 0.6.0
            kind: app
            app: {mode: workflow, name: steps}
            workflow:
              graph:
                nodes:
                - id: start
                  data: {type: start, title: Start, variables: []}

            """);
        for (var i = 1; i <= steps; i++)
            sb.Append($"    - id: s{i}\n      data: {{type: http-request, title: Step {i}, method: get, url: '{baseAddress}/step/{i}', headers: '', params: '', body: {{type: none, data: []}}, authorization: {{type: no-auth}}, timeout: {{connect: 5, read: 30, write: 30}}}}\n");
        sb.Append($"    - id: end\n      data: {{type: end, title: End, outputs: [{{variable: last, value_selector: [s{steps}, body]}}, {{variable: status, value_selector: [s{steps}, status_code]}}]}}\n    edges:\n");
        var prev = "start";
        for (var i = 1; i <= steps; i++) { sb.Append($"    - {{source: {prev}, target: s{i}}}\n"); prev = $"s{i}"; }
        sb.Append($"    - {{source: {prev}, target: end}}\n");
        return sb.ToString();
    }

    [Fact]
    public async Task A_killed_run_resumes_after_restart_without_repeating_completed_nodes()
    {
        await using var server = await StepServer.StartAsync();
        using var dir = new TempDirectory("dify-crash");
        const int steps = 6;
        File.WriteAllText(dir.Combine("app.yml"), ChainApp(server.BaseAddress, steps));
        var args = new[] { "run", "app.yml", "--data", "data", "--run-id", "run-crash-1" };

        using (var first = HostProcess.Start(dir.Path, args))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!server.Hits.ContainsKey(3) && DateTime.UtcNow < deadline && !first.HasExited) await Task.Delay(20);
            Assert.True(server.Hits.ContainsKey(3), "the first process never reached step 3: " + (first.HasExited ? await first.StandardError.ReadToEndAsync() : "timeout"));
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var beforeRestart = server.Hits.ToDictionary(kv => kv.Key, kv => kv.Value);
        output.WriteLine("hits when killed: " + string.Join(", ", beforeRestart.OrderBy(k => k.Key).Select(kv => $"{kv.Key}:{kv.Value}")));
        Assert.False(beforeRestart.ContainsKey(steps), "the run finished before it was killed; nothing was tested");

        var (code, stdout, stderr) = await HostProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(90), args);
        output.WriteLine(stderr);
        Assert.Equal(0, code);
        var outputs = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        Assert.Equal($"step {steps} done", outputs["last"]!.ToString());
        Assert.Equal(200, (int)outputs["status"]!);

        output.WriteLine("hits at the end: " + string.Join(", ", server.Hits.OrderBy(k => k.Key).Select(kv => $"{kv.Key}:{kv.Value}")));
        var repeated = server.Hits.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        Assert.True(repeated.Count <= 1, "more than one node ran twice: " + string.Join(",", repeated));
        // Only the node in flight at the kill may run twice; every completed one ran exactly once.
        var inFlight = beforeRestart.Keys.Max();
        Assert.All(repeated, n => Assert.Equal(inFlight, n));
        Assert.All(Enumerable.Range(1, steps), n => Assert.True(server.Hits.ContainsKey(n), $"step {n} never ran"));
    }
}
