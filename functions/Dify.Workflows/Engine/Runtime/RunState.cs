using System.Text;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Engine.Events;

namespace Dify.Workflows.Engine.Runtime;

/// <summary>
/// Mutable state of one run inside the orchestrator (single-threaded: the orchestrator's pump).
/// Counts steps, tokens and exceptions, gathers outputs and the chat answer, numbers events.
/// </summary>
internal sealed class RunState(IDurableContext context, WorkflowDefinition definition, WorkflowRunRequest request, IRunEventSink sink)
{
    private int _eventSeq;

    public IDurableContext Context { get; } = context;
    public WorkflowDefinition Definition { get; } = definition;
    public WorkflowRunRequest Request { get; } = request;
    public RunLimits Limits { get; } = request.Limits ?? new RunLimits();
    public DateTime StartedAt { get; } = context.CurrentUtcDateTime;

    public int Steps { get; set; }
    public int Tokens { get; set; }
    /// <summary>Every model call's usage so far (Dify's graph-level llm_usage), reported in message_end.</summary>
    public Dify.Models.Chat.TokenUsage Usage { get; set; } = Dify.Models.Chat.TokenUsage.Empty;
    public int Exceptions { get; set; }
    public int NodeIndex { get; set; }
    public StringBuilder Answer { get; } = new();
    public JsonObject Outputs { get; } = new();
    public JsonArray RetrieverResources { get; } = new();
    public ResponseCoordinator.Session Responses { get; } = new();

    /// <summary>Completes when someone raises the "stop" event for this run.</summary>
    public Task<string?>? StopRequested { get; set; }
    public bool Stopped => StopRequested is { IsCompleted: true };

    public string RunId => Request.Run.RunId;

    public long UnixNow => new DateTimeOffset(Context.CurrentUtcDateTime).ToUnixTimeSeconds();

    public double ElapsedSeconds => (Context.CurrentUtcDateTime - StartedAt).TotalSeconds;

    /// <summary>Appends an event under a deterministic key; replays re-append the same keys, which the log ignores.</summary>
    public void Emit(string name, JsonObject data) => sink.Append(RunId, $"o:{_eventSeq++}", new RunEvent(name, data));

    /// <summary>Throws when the run is over its step or time budget (Dify's messages).</summary>
    public void CheckLimits()
    {
        if (Steps >= Limits.MaxSteps) throw new RunLimitException($"Max steps {Limits.MaxSteps} reached.");
        if (ElapsedSeconds > Limits.MaxSeconds) throw new RunLimitException($"Max execution time {Limits.MaxSeconds}s reached.");
    }
}

internal sealed class RunLimitException(string message) : Exception(message);
