using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// Finds out once whether `unshare --net --map-root-user` works here (it needs unprivileged user
/// namespaces or root, and is often refused inside containers). Workers then start inside a fresh,
/// empty network namespace: not even loopback is up, so no connection can leave the worker.
/// </summary>
internal sealed class NetworkNamespaceProbe(LocalSandboxOptions options, ILogger logger)
{
    private static readonly string[] Candidates = ["/usr/bin/unshare", "/bin/unshare"];
    private readonly Lazy<Task<string?>> _unshare = new(() => ProbeAsync(options, logger));

    /// <summary>Path of a working unshare, or null when workers must run in the host's network namespace.</summary>
    public Task<string?> UnsharePathAsync() => _unshare.Value;

    public static IReadOnlyList<string> Arguments => ["--net", "--map-root-user", "--"];

    private static async Task<string?> ProbeAsync(LocalSandboxOptions options, ILogger logger)
    {
        if (!options.UseNetworkNamespace) return null;
        var unshare = Candidates.FirstOrDefault(File.Exists);
        if (unshare is null)
        {
            SandboxLog.NoNetworkNamespace(logger, "unshare (util-linux) is not installed");
            return null;
        }
        var probe = new ProcessStartInfo(unshare) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in Arguments) probe.ArgumentList.Add(arg);
        probe.ArgumentList.Add(File.Exists("/bin/true") ? "/bin/true" : "/usr/bin/true");
        probe.Environment.Clear();
        try
        {
            using var process = Process.Start(probe)!;
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                SandboxLog.NoNetworkNamespace(logger, "unshare did not finish within 5 s");
                return null;
            }
            if (process.ExitCode == 0) return unshare;
            SandboxLog.NoNetworkNamespace(logger, $"unshare failed with exit code {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            SandboxLog.NoNetworkNamespace(logger, "unshare could not be started: " + e.Message);
            return null;
        }
    }
}
