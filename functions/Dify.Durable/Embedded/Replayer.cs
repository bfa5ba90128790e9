namespace Dify.Durable.Embedded;

/// <summary>Starts an orchestrator and feeds it every recorded completion in recorded order, draining the pump
/// after each one exactly as the live loop does, so the orchestrator reaches the same state it had live.</summary>
internal static class Replayer
{
    public static Task<string?> Replay(
        OrchestrationContext context,
        OrchestrationPump pump,
        OrchestratorFunc orchestrator,
        string? input,
        IReadOnlyList<HistoryEvent> history)
    {
        context.LoadHistory(history);
        var remaining = history.Count(e => e.IsCompletion);
        context.IsReplaying = remaining > 0;
        context.CurrentUtcDateTime = history[0].Timestamp;
        Task<string?> orchestration = Task.FromResult<string?>(null);
        pump.Run(() => orchestration = Invoke(orchestrator, context, input));
        foreach (var e in history)
        {
            if (!e.IsCompletion)
            {
                continue;
            }
            if (context.FatalError is not null)
            {
                break;
            }
            if (orchestration.IsCompleted)
            {
                context.ReportNonDeterminism($"the orchestrator finished, but the history still has {remaining} completion(s), the next being {e.EventType} at #{e.Sequence}.");
                break;
            }
            context.CurrentUtcDateTime = e.Timestamp;
            pump.Run(() => context.Deliver(e));
            remaining--;
        }
        context.IsReplaying = false;
        return orchestration;
    }

    /// <summary>A synchronously throwing orchestrator becomes a faulted orchestration, like an async one.</summary>
    public static Task<string?> Invoke(OrchestratorFunc orchestrator, IDurableContext context, string? input)
    {
        try
        {
            return orchestrator(context, input) ?? Task.FromResult<string?>(null);
        }
        catch (Exception error)
        {
            return Task.FromException<string?>(error);
        }
    }
}
