namespace Dify.Durable.Embedded;

/// <summary>How a decision of the orchestrator relates to the recorded history.</summary>
internal enum DecisionOutcome
{
    /// <summary>Not in history: record it and run it.</summary>
    New,
    /// <summary>In history with its completion: wait for the replayed completion.</summary>
    Replayed,
    /// <summary>In history without completion (in flight at the crash): run it again, do not record it again.</summary>
    InFlight,
    /// <summary>Differs from history.</summary>
    Mismatch,
    /// <summary>Verification only: not in history; nothing is run.</summary>
    NotRecorded,
}
