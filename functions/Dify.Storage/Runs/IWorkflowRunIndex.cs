using Dify.Storage.Conversations;

namespace Dify.Storage.Runs;

public interface IWorkflowRunIndex
{
    Task AddAsync(WorkflowRunRecord run, CancellationToken cancellationToken);

    /// <summary>The run if it belongs to <paramref name="appId"/>.</summary>
    Task<WorkflowRunRecord?> GetAsync(string appId, string runId, CancellationToken cancellationToken);

    /// <summary>Records the outcome; a no-op when it is already recorded.</summary>
    Task FinishAsync(string runId, WorkflowRunOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Runs with no outcome yet (to follow again after a restart).</summary>
    Task<IReadOnlyList<WorkflowRunRecord>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>An app's runs, newest first, optionally of one status; <paramref name="page"/> starts at 1.</summary>
    Task<(Page<WorkflowRunRecord> Page, int Total)> ListAsync(string appId, WorkflowRunFilter filter, int page, int limit, CancellationToken cancellationToken);
}
