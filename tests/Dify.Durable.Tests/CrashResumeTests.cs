using System.Diagnostics;
using System.Globalization;
using Dify.Durable.CrashHost;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

/// <summary>A real process crash: a child process runs the orchestration and is killed mid-way;
/// a fresh runtime on the same database resumes it.</summary>
public sealed class CrashResumeTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    // 40 activities of 50 ms: ~2 s of work, so the kill lands mid-way even when the test host is busy.
    private const int ActivityCount = 40;

    [Fact]
    public async Task Killed_process_resumes_without_repeating_completed_activities()
    {
        var logPath = Path.Combine(Folder, "executed.txt");
        using (var child = StartChild(logPath))
        {
            try
            {
                await WaitUntilAsync(() => Task.FromResult(ReadExecuted(logPath).Count >= 4), seconds: 60);
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(Timeout());
            }
        }
        var beforeCrash = ReadExecuted(logPath);
        Output.WriteLine($"executed before the kill: {string.Join(",", beforeCrash)}");
        Assert.InRange(beforeCrash.Count, 4, ActivityCount - 1); // killed mid-way

        var runtime = NewRuntime();
        CrashScenario.Register(runtime, logPath);
        Assert.Equal(1, await runtime.ResumeUnfinishedAsync(Timeout()));
        var state = await runtime.WaitForCompletionAsync(CrashScenario.InstanceId, Timeout(60));

        Assert.Equal(OrchestrationStatus.Completed, state.Status);
        Assert.Equal((ActivityCount * (ActivityCount - 1) / 2).ToString(CultureInfo.InvariantCulture), state.Output);
        var executed = ReadExecuted(logPath);
        Output.WriteLine($"executed in total: {string.Join(",", executed)}");
        var counts = executed.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, ActivityCount), counts.Keys.Order());
        var repeated = counts.Where(kv => kv.Value > 1).ToList();
        Assert.True(repeated.Count <= 1 && repeated.All(kv => kv.Value == 2),
            $"at most the activity in flight at the kill may run twice; repeated: {string.Join(",", repeated)}");
        // The repeated one (if any) is the last one the killed process ran.
        Assert.All(repeated, kv => Assert.Equal(beforeCrash[^1], kv.Key));
        var check = await runtime.VerifyReplayAsync(CrashScenario.InstanceId, Timeout());
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    private Process StartChild(string logPath)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "Dify.Durable.CrashHost.dll");
        Assert.True(File.Exists(hostDll), $"missing {hostDll}");
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under "dotnet test" the test host is dotnet itself; otherwise fall back to the dotnet on PATH.
        if (!Path.GetFileNameWithoutExtension(info.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = "dotnet";
        }
        foreach (var arg in new[] { hostDll, DatabasePath, logPath, ActivityCount.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the crash host");
        process.OutputDataReceived += (_, e) => Log("child: " + e.Data);
        process.ErrorDataReceived += (_, e) => Log("child err: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Log(string line)
    {
        try
        {
            Output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // output arrived after the test ended
        }
    }

    private static List<int> ReadExecuted(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => int.Parse(line, CultureInfo.InvariantCulture)).ToList();
    }
}
