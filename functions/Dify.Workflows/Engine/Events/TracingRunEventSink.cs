using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dify.Workflows.Engine.Events;

/// <summary>
/// Turns a run's events into OpenTelemetry-compatible spans (System.Diagnostics.Activity): one span per run
/// ("workflow.run") with one child span per node execution. Built from events rather than inside the
/// orchestrator, because orchestrator code replays; a run resumed after a crash is traced again in the new process.
/// Does nothing unless something listens to <see cref="SourceName"/>.
/// </summary>
public sealed class TracingRunEventSink : IRunEventSink
{
    public const string SourceName = "Dify.Functions.Workflows";

    private sealed class RunSpans(Activity run)
    {
        public Activity Run { get; } = run;
        public ConcurrentDictionary<string, Activity> Nodes { get; } = new(StringComparer.Ordinal);
    }

    private readonly ActivitySource _source = new(SourceName);
    private readonly ConcurrentDictionary<string, RunSpans> _runs = new(StringComparer.Ordinal);

    public void Append(string runId, string key, RunEvent runEvent)
    {
        if (!_source.HasListeners()) return;
        var data = runEvent.Data;
        switch (runEvent.Event)
        {
            case "workflow_started":
            {
                var span = Start("workflow.run", default);
                if (span is null) return;
                span.SetTag("dify.run_id", runId);
                span.SetTag("dify.workflow_id", data["workflow_id"]?.ToString());
                _runs[runId] = new RunSpans(span);
                break;
            }
            case "node_started" when _runs.TryGetValue(runId, out var run):
            {
                var span = Start("node " + data["node_type"], run.Run.Context);
                if (span is null) return;
                span.SetTag("dify.node_id", data["node_id"]?.ToString());
                span.SetTag("dify.node_type", data["node_type"]?.ToString());
                span.SetTag("dify.node_title", data["title"]?.ToString());
                span.SetTag("dify.iteration_id", data["iteration_id"]?.ToString());
                span.SetTag("dify.loop_id", data["loop_id"]?.ToString());
                run.Nodes[data["id"]?.ToString() ?? key] = span;
                break;
            }
            case "node_finished" when _runs.TryGetValue(runId, out var run):
                if (run.Nodes.TryRemove(data["id"]?.ToString() ?? "", out var node))
                    Finish(node, data["status"]?.ToString(), data["error"]?.ToString());
                break;
            case "workflow_finished" when _runs.TryRemove(runId, out var run):
                foreach (var open in run.Nodes.Values) Finish(open, "stopped", null);
                run.Run.SetTag("dify.total_steps", data["total_steps"]?.ToString());
                run.Run.SetTag("dify.total_tokens", data["total_tokens"]?.ToString());
                Finish(run.Run, data["status"]?.ToString(), data["error"]?.ToString());
                break;
        }
    }

    /// <summary>Starts a span without making it the ambient one: the caller's thread (the orchestrator) keeps its own.</summary>
    private Activity? Start(string name, ActivityContext parent)
    {
        var previous = Activity.Current;
        var span = parent == default
            ? _source.StartActivity(name, ActivityKind.Internal)
            : _source.StartActivity(name, ActivityKind.Internal, parent);
        Activity.Current = previous;
        return span;
    }

    private static void Finish(Activity span, string? status, string? error)
    {
        span.SetTag("dify.status", status);
        if (status is "failed" or "exception") span.SetStatus(ActivityStatusCode.Error, error);
        else if (status is "succeeded" or "partial-succeeded") span.SetStatus(ActivityStatusCode.Ok);
        span.Stop();
    }
}
