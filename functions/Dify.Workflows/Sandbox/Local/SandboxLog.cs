using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>Structured log messages of the local sandbox.</summary>
internal static partial class SandboxLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Sandbox worker {Language}#{Slot} started: pid {Pid} in {ElapsedMs} ms (network namespace: {Isolated})")]
    public static partial void WorkerStarted(ILogger logger, string language, int slot, int pid, long elapsedMs, bool isolated);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Sandbox worker {Language}#{Slot} (pid {Pid}) replaced: {Reason}")]
    public static partial void WorkerReplaced(ILogger logger, string language, int slot, int pid, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Sandbox workers run WITHOUT a separate network namespace: {Reason}. Network is still blocked in-process (audit hook / vm context).")]
    public static partial void NoNetworkNamespace(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Sandbox worker {Language}#{Slot} failed to start")]
    public static partial void WorkerStartFailed(ILogger logger, Exception exception, string language, int slot);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug,
        Message = "Sandbox {Language} call printed: {Output}")]
    public static partial void UserOutput(ILogger logger, string language, string output);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Sandbox worker {Language} (pid {Pid}) exited unexpectedly with code {ExitCode}; stderr tail: {Stderr}")]
    public static partial void WorkerCrashed(ILogger logger, string language, int pid, int? exitCode, string stderr);
}
