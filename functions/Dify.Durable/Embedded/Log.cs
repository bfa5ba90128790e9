using Microsoft.Extensions.Logging;

namespace Dify.Durable;

/// <summary>Structured log events of the runtime. Payloads (inputs, outputs) never appear at Information level.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Orchestration {InstanceId} ({Orchestrator}) started")]
    public static partial void OrchestrationStarted(ILogger logger, string instanceId, string orchestrator);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Orchestration {InstanceId} resumed from {HistoryEvents} history events")]
    public static partial void OrchestrationResumed(ILogger logger, string instanceId, int historyEvents);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Orchestration {InstanceId} completed")]
    public static partial void OrchestrationCompleted(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} failed: {ErrorType}")]
    public static partial void OrchestrationFailed(ILogger logger, string instanceId, string errorType, Exception error);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Orchestration {InstanceId} terminated")]
    public static partial void OrchestrationTerminated(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Orchestration {InstanceId} runner crashed; the instance is left for resume")]
    public static partial void RunnerCrashed(ILogger logger, string instanceId, Exception error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Activity {Activity} started for {InstanceId} as task {TaskId} (attempt {Attempt})")]
    public static partial void ActivityStarted(ILogger logger, string instanceId, string activity, int taskId, int attempt);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Activity {Activity} of {InstanceId} task {TaskId} failed")]
    public static partial void ActivityFailed(ILogger logger, string instanceId, string activity, int taskId, Exception error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Activity {Activity} of {InstanceId} task {TaskId} was cancelled")]
    public static partial void ActivityCancelled(ILogger logger, string instanceId, string activity, int taskId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Replay of {InstanceId} differs from history: {Detail}")]
    public static partial void ReplayDifference(ILogger logger, string instanceId, string detail);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "History write failed")]
    public static partial void WriteFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} uses orchestrator {Orchestrator}, which is not registered; not resumed")]
    public static partial void OrchestratorMissing(ILogger logger, string instanceId, string orchestrator);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Event {EventName} for finished orchestration {InstanceId} discarded")]
    public static partial void EventDiscarded(ILogger logger, string instanceId, string eventName);
}
