using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// Starts worker processes: the interpreter command line with its limits, an empty environment
/// (no host secrets), a fresh scratch folder as cwd/HOME/TMPDIR, and the network namespace if any.
/// </summary>
internal sealed class WorkerLauncher(LocalSandboxOptions options, SandboxFolder folder, NetworkNamespaceProbe network, ILogger logger)
{
    private readonly Lazy<string> _node = new(() => ResolveOnPath(options.NodePath));
    private long _started;

    public async Task<SandboxWorker> StartAsync(CodeLanguage language, int slot, CancellationToken cancellationToken)
    {
        var name = SandboxRequest.LanguageName(language);
        var scratch = folder.CreateScratch($"{name}-{slot}-{Interlocked.Increment(ref _started)}");
        var unshare = await network.UnsharePathAsync().ConfigureAwait(false);
        var (program, arguments) = Command(language, scratch);
        var start = new ProcessStartInfo
        {
            FileName = unshare ?? program,
            WorkingDirectory = scratch,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (unshare is not null)
        {
            foreach (var arg in NetworkNamespaceProbe.Arguments) start.ArgumentList.Add(arg);
            start.ArgumentList.Add(program);
        }
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        start.Environment["HOME"] = scratch;
        start.Environment["TMPDIR"] = scratch;
        start.Environment["LANG"] = "C.UTF-8";

        var watch = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            SandboxFolder.DeleteQuietly(scratch);
            throw new CodeExecutionException($"The {name} sandbox worker could not be started ({program}): {e.Message}", e);
        }
        var worker = new SandboxWorker(process, name, scratch, logger);
        try
        {
            await worker.WaitReadyAsync(options.StartupTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        SandboxLog.WorkerStarted(logger, name, slot, worker.Pid, watch.ElapsedMilliseconds, unshare is not null);
        return worker;
    }

    private (string Program, string[] Arguments) Command(CodeLanguage language, string scratch)
    {
        var capture = options.MaxCapturedOutputChars.ToString(CultureInfo.InvariantCulture);
        if (language == CodeLanguage.JavaScript)
        {
            var script = folder.ScriptPath(SandboxFolder.NodeWorker);
            return (_node.Value,
            [
                "--max-old-space-size=" + options.MemoryLimitMiB.ToString(CultureInfo.InvariantCulture),
                // Node's permission model: no fs access beyond the worker script, no child
                // processes, no worker threads, no native addons. Defence in depth under the vm context.
                "--experimental-permission",
                "--allow-fs-read=" + script,
                "--no-warnings",
                "--disallow-code-generation-from-strings",
                script, capture,
            ]);
        }
        // -I: ignore PYTHON* variables and the user site; -B: write no .pyc files.
        return (options.PythonPath,
        [
            "-I", "-B", folder.ScriptPath(SandboxFolder.PythonWorker), scratch,
            options.MemoryLimitMiB.ToString(CultureInfo.InvariantCulture), capture,
        ]);
    }

    private static string ResolveOnPath(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal)) return program;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':'))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return program;
    }
}
