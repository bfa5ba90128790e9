using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;
using Xunit.Abstractions;
using Dify.Workflows.Sandbox.Local;

namespace Dify.Workflows.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
public sealed class SandboxLimitsTests(SandboxFixture fixture, ITestOutputHelper output)
{
    private static LocalCodeSandbox Small(int workers = 1) =>
        new(new LocalSandboxOptions { CallTimeout = TimeSpan.FromSeconds(1), WorkersPerLanguage = workers, MemoryLimitMiB = 256 });

    [Theory]
    [InlineData(CodeLanguage.Python3, "def main():\n    while True:\n        pass\n", "def main():\n    return {'ok': 1}\n")]
    [InlineData(CodeLanguage.JavaScript, "function main() { while (true) {} }", "function main() { return { ok: 1 }; }")]
    [InlineData(CodeLanguage.JavaScript, "async function main() { while (true) { await null; } }", "function main() { return { ok: 1 }; }")]
    public async Task Infinite_loop_times_out_and_the_next_call_works(CodeLanguage language, string loop, string ok)
    {
        await using var sandbox = Small();
        await sandbox.ExecuteAsync(language, ok, [], CancellationToken.None); // warm

        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => sandbox.ExecuteAsync(language, loop, [], CancellationToken.None));
        var timedOutAfter = watch.Elapsed;
        watch.Restart();
        var next = await sandbox.ExecuteAsync(language, ok, [], CancellationToken.None);

        output.WriteLine($"{e.Message}; detected after {timedOutAfter.TotalMilliseconds:0} ms; next call took {watch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("Code execution timed out after 1 s", e.Message);
        Assert.Equal("""{"ok":1}""", next!.ToJsonString());
    }

    [Fact]
    public async Task Python_memory_bomb_fails_cleanly_and_the_worker_recovers()
    {
        await using var sandbox = Small();

        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => sandbox.ExecuteAsync(CodeLanguage.Python3,
            "def main():\n    hoard = []\n    while True:\n        hoard.append(bytearray(10 * 1024 * 1024))\n", [], CancellationToken.None));
        var next = await sandbox.ExecuteAsync(CodeLanguage.Python3, "def main():\n    return {'ok': len(bytearray(50 * 1024 * 1024))}", [], CancellationToken.None);

        output.WriteLine(e.Message);
        Assert.Contains("memory", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("""{"ok":52428800}""", next!.ToJsonString());
    }

    [Fact]
    public async Task JavaScript_memory_bomb_fails_cleanly_and_the_worker_is_replaced()
    {
        await using var sandbox = Small();

        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => sandbox.ExecuteAsync(CodeLanguage.JavaScript,
            "function main() { const hoard = []; while (true) { hoard.push(new Array(1e6).fill(1.5)); } }", [], CancellationToken.None));
        var next = await sandbox.ExecuteAsync(CodeLanguage.JavaScript, "function main() { return { ok: 1 }; }", [], CancellationToken.None);

        output.WriteLine(e.Message);
        Assert.Contains("memory", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("""{"ok":1}""", next!.ToJsonString());
    }

    [Theory]
    [InlineData(CodeLanguage.Python3, "def main():\n    return {'big': 'x' * (2 * 1024 * 1024)}")]
    [InlineData(CodeLanguage.JavaScript, "function main() { return { big: 'x'.repeat(2 * 1024 * 1024) }; }")]
    [InlineData(CodeLanguage.Jinja2, "{% for i in range(30000) %}{{ 'x' * 100 }}{% endfor %}")]
    public async Task Output_over_the_limit_is_rejected(CodeLanguage language, string code)
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(language, code));

        Assert.StartsWith("Output is too large", e.Message);
        Assert.Contains("1048576", e.Message);
    }

    [Fact]
    public async Task Input_over_the_limit_is_rejected_before_reaching_a_worker()
    {
        var inputs = new JsonObject { ["blob"] = new string('x', 5 * 1024 * 1024) };

        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Python3, "def main(blob):\n    return {}", inputs));

        Assert.StartsWith("Code and inputs are too large", e.Message);
    }

    [Fact]
    public async Task Crashed_worker_fails_the_call_and_is_replaced()
    {
        await using var sandbox = Small();

        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => sandbox.ExecuteAsync(CodeLanguage.Python3,
            "import os\ndef main():\n    os._exit(3)\n", [], CancellationToken.None));
        var next = await sandbox.ExecuteAsync(CodeLanguage.Python3, "def main():\n    return {'ok': 1}", [], CancellationToken.None);

        Assert.Contains("crashed", e.Message);
        Assert.Equal("""{"ok":1}""", next!.ToJsonString());
    }

    [Fact]
    public async Task Cancellation_stops_the_call_and_the_next_call_works()
    {
        await using var sandbox = Small();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sandbox.ExecuteAsync(CodeLanguage.Python3,
            "def main():\n    while True:\n        pass\n", [], cts.Token));
        var next = await sandbox.ExecuteAsync(CodeLanguage.Python3, "def main():\n    return {'ok': 1}", [], CancellationToken.None);

        Assert.Equal("""{"ok":1}""", next!.ToJsonString());
    }

    [Fact]
    public async Task Dispose_kills_the_workers()
    {
        var sandbox = Small();
        var pid = (await sandbox.ExecuteAsync(CodeLanguage.Python3, "import os\ndef main():\n    return {'pid': os.getpid()}", [], CancellationToken.None))!["pid"]!.GetValue<int>();
        // Inside a network namespace the pid is the host pid too (only the net namespace is new).
        Assert.True(IsAlive(pid));

        await sandbox.DisposeAsync();

        Assert.False(IsAlive(pid));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sandbox.ExecuteAsync(CodeLanguage.Python3, "def main():\n    return {}", [], CancellationToken.None));
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
