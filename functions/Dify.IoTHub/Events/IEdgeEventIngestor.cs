namespace Dify.IoTHub.Events;

/// <summary>Takes device messages in: parses their events, drops duplicates, stores them, starts routed workflows.</summary>
public interface IEdgeEventIngestor
{
    /// <summary>
    /// Ingests a batch. Every message ends stored (its events accepted, or the message rejected with the reason), so
    /// a malformed message never fails the batch; a storage failure throws and the whole batch may be delivered again
    /// (duplicates are dropped by event id, routed runs are started once).
    /// </summary>
    Task<EdgeIngestResult> IngestBatchAsync(IReadOnlyList<EdgeTelemetryMessage> messages, CancellationToken ct);
}

/// <summary>What happened to a batch.</summary>
public sealed record EdgeIngestResult(IReadOnlyList<EdgeIngestedEvent> Events)
{
    public int Stored => Events.Count(e => e.Outcome == EdgeIngestOutcome.Stored);
    public int Duplicates => Events.Count(e => e.Outcome == EdgeIngestOutcome.Duplicate);
    public int Rejected => Events.Count(e => e.Outcome == EdgeIngestOutcome.Rejected);
    public int RunsStarted => Events.Sum(e => e.StartedRunIds.Count);
    public int RouteFailures => Events.Sum(e => e.RouteErrors.Count);
}

/// <summary>One event of the batch (or one rejected message): its key, its outcome, the runs its routes started.</summary>
public sealed record EdgeIngestedEvent(string DeviceId, string ModuleId, string EventId, EdgeIngestOutcome Outcome, IReadOnlyList<string> StartedRunIds, IReadOnlyList<string> RouteErrors);

public enum EdgeIngestOutcome
{
    /// <summary>New: stored now.</summary>
    Stored,

    /// <summary>Already stored (a redelivery): not stored again.</summary>
    Duplicate,

    /// <summary>Malformed: stored as rejected with the reason (once per message).</summary>
    Rejected,
}
