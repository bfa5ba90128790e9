using System.Text.Json.Nodes;

namespace Dify.Workflows.Engine.Events;

/// <summary>
/// One entry of a run's event log, named as Dify's SSE events (workflow_started, node_started,
/// node_finished, node_retry, iteration_*, loop_*, text_chunk, message, workflow_finished...).
/// <see cref="Data"/> is the event's "data" object (for message events, the top-level fields);
/// the API adds task_id, workflow_run_id, message_id and conversation_id when it writes SSE.
/// </summary>
public sealed record RunEvent(string Event, JsonObject Data);

/// <summary>
/// Where a run's events go. Append must not block on I/O (the orchestrator calls it): adapters queue
/// and write in the background. The key makes appends idempotent: a replay after a crash
/// re-appends events with the same keys and the log keeps one of each.
/// </summary>
public interface IRunEventSink
{
    void Append(string runId, string key, RunEvent runEvent);
}

/// <summary>Fans events out to several sinks (the event log and a CLI printer, say).</summary>
public sealed class CompositeRunEventSink(params IRunEventSink[] sinks) : IRunEventSink
{
    public void Append(string runId, string key, RunEvent runEvent)
    {
        foreach (var s in sinks) s.Append(runId, key, runEvent);
    }
}

/// <summary>Drops events (benchmarks of the bare engine).</summary>
public sealed class NullRunEventSink : IRunEventSink
{
    public static NullRunEventSink Instance { get; } = new();
    public void Append(string runId, string key, RunEvent runEvent) { }
}
