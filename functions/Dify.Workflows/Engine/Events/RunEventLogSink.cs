using Dify.Storage.Runs;

namespace Dify.Workflows.Engine.Events;

/// <summary>Writes run events into the durable run event log (which SSE clients tail).</summary>
public sealed class RunEventLogSink(IRunEventLog log) : IRunEventSink
{
    public void Append(string runId, string key, RunEvent runEvent) =>
        log.Append(runId, key, runEvent.Event, runEvent.Data.ToJsonString());
}
