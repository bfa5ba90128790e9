using System.Text.Json;

namespace Dify.Durable.Embedded;

/// <summary>Re-runs an orchestrator against its complete history with nothing executed and nothing written,
/// and lists every decision or outcome that differs from what was recorded.</summary>
internal static class ReplayVerifier
{
    public static ReplayCheck Verify(
        OrchestrationState state,
        IReadOnlyList<HistoryEvent> history,
        OrchestratorFunc orchestrator,
        JsonSerializerOptions json,
        bool hashInputs)
    {
        if (history.Count == 0 || history[0].EventType != HistoryEventType.ExecutionStarted)
        {
            return new ReplayCheck(state.InstanceId, false, 0, [$"Orchestration '{state.InstanceId}' has no usable history."]);
        }
        var pump = new OrchestrationPump(static () => { });
        var context = new OrchestrationContext(state.InstanceId, pump, json, hashInputs, verifying: true,
            static (_, _, _, _, _) => { }, static _ => { })
        {
            ExpectNoNewDecisions = state.IsFinished,
        };
        var orchestration = Replayer.Replay(context, pump, orchestrator, state.Input, history);
        var mismatches = context.Mismatches;

        foreach (var recorded in context.RecordedDecisions.Where(d => d.TaskId >= context.NextTaskId).OrderBy(d => d.TaskId))
        {
            mismatches.Add($"Orchestration '{state.InstanceId}': the history has {recorded.EventType} '{recorded.Name}' at task id {recorded.TaskId}, which the replay did not issue.");
        }
        switch (state.Status)
        {
            case OrchestrationStatus.Completed when !orchestration.IsCompletedSuccessfully:
                mismatches.Add($"Orchestration '{state.InstanceId}' completed, but the replay {Describe(orchestration)}.");
                break;
            case OrchestrationStatus.Completed when !string.Equals(orchestration.Result, state.Output, StringComparison.Ordinal):
                mismatches.Add($"Orchestration '{state.InstanceId}': the replayed output differs from the recorded output.");
                break;
            case OrchestrationStatus.Failed when !(orchestration.IsFaulted || orchestration.IsCanceled):
                mismatches.Add($"Orchestration '{state.InstanceId}' failed, but the replay {Describe(orchestration)}.");
                break;
        }
        return new ReplayCheck(state.InstanceId, mismatches.Count == 0, context.DecisionsCompared, mismatches.ToArray());
    }

    private static string Describe(Task<string?> orchestration) => orchestration.Status switch
    {
        TaskStatus.RanToCompletion => "completed",
        TaskStatus.Faulted => $"failed ({orchestration.Exception?.InnerException?.Message})",
        TaskStatus.Canceled => "was cancelled",
        _ => "did not finish",
    };
}
