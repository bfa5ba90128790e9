using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dify.Edge.Tests;

/// <summary>The real module binary as a child process (<c>dotnet Dify.Edge.dll</c>), configured through environment variables.</summary>
public sealed class ModuleProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private ModuleProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Output => string.Join('\n', lines);

    public static ModuleProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ModulePath());
        foreach (var (k, v) in environment) info.Environment[k] = v;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        return new ModuleProcess(Process.Start(info)!);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited) throw new InvalidOperationException($"module exited ({process.ExitCode}) before '{text}':\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no '{text}' within {timeout}:\n{Output}");
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// The module from its own build output (this test folder merges ASP.NET Core's shared framework, which the module's
    /// runtimeconfig does not name).
    /// </summary>
    public static string ModulePath()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = Path.Combine(ModelsFixture.RepositoryRoot(), "edge-module", "Dify.Edge", "bin", configuration, "net10.0", "Dify.Edge.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build edge-module/Dify.Edge first", path);
    }

    /// <summary>Resident set size from /proc (Linux).</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }

        throw new InvalidOperationException("no VmRSS");
    }

    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async Task StopAsync(TimeSpan timeout)
    {
        // SIGTERM, as the container runtime stops a module.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
