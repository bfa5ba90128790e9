namespace Dify.Storage.Runs;

/// <summary>An event as stored: its position in the log (increasing), the run, Dify's event name and data JSON.</summary>
public sealed record StoredRunEvent(long Sequence, string RunId, string Event, string DataJson, DateTimeOffset CreatedAt);

/// <summary>
/// Each run's append-only event log, which streaming clients tail (and resume from a sequence after
/// a reconnect). Appends are idempotent by (run, key) so replays after a crash do not duplicate.
/// </summary>
public interface IRunEventLog
{
    /// <summary>Queues an event; returns at once. The writer persists it shortly (batched).</summary>
    void Append(string runId, string key, string eventName, string dataJson);

    /// <summary>Completes when everything appended before the call is durable.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Events of a run after <paramref name="afterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<StoredRunEvent>> ReadAsync(string runId, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Completes when the run has an event after <paramref name="afterSequence"/> (or at once if it already has).</summary>
    Task WaitForEventsAsync(string runId, long afterSequence, CancellationToken cancellationToken);
}
