using System.Text.Json;

namespace Dify.Durable.Embedded;

/// <summary>
/// The orchestrator's view of the runtime. Every member runs on the instance's pump (one piece at a time),
/// so its state needs no locks. Decisions are numbered by a task-id counter and compared with the recorded
/// decision of the same id; completions are delivered by the owning loop via <see cref="Deliver"/>.
/// </summary>
internal sealed class OrchestrationContext : IDurableContext
{
    private readonly OrchestrationPump _pump;
    private readonly JsonSerializerOptions _json;
    private readonly bool _hashInputs;
    private readonly bool _verifying;
    private readonly Action<HistoryEventType, int, string?, string?, string?> _recordDecision;
    private readonly Action<string> _warn;
    private readonly Dictionary<int, HistoryEvent> _recordedDecisions = [];
    private readonly HashSet<int> _completedInHistory = [];
    private readonly Dictionary<int, PendingTask> _pending = [];
    private readonly Dictionary<string, Queue<string?>> _bufferedEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<PendingEventWait>> _eventWaiters = new(StringComparer.Ordinal);
    private List<ScheduledWork> _toRun = [];
    private int _nextTaskId;
    private int _guidCounter;

    public OrchestrationContext(
        string instanceId,
        OrchestrationPump pump,
        JsonSerializerOptions json,
        bool hashInputs,
        bool verifying,
        Action<HistoryEventType, int, string?, string?, string?> recordDecision,
        Action<string> warn)
    {
        InstanceId = instanceId;
        _pump = pump;
        _json = json;
        _hashInputs = hashInputs;
        _verifying = verifying;
        _recordDecision = recordDecision;
        _warn = warn;
    }

    public string InstanceId { get; }

    public bool IsReplaying { get; internal set; }

    public DateTime CurrentUtcDateTime { get; internal set; }

    /// <summary>Live: the first non-determinism found; the loop fails the instance with it.</summary>
    public NonDeterministicOrchestrationException? FatalError { get; private set; }

    /// <summary>Verification: every difference found.</summary>
    public List<string> Mismatches { get; } = [];

    /// <summary>Verification of a finished instance: a decision beyond the history is a mismatch.</summary>
    public bool ExpectNoNewDecisions { get; set; }

    public int DecisionsCompared { get; private set; }

    public int NextTaskId => _nextTaskId;

    public string? CustomStatusJson { get; private set; }

    public bool CustomStatusDirty { get; set; }

    public IEnumerable<HistoryEvent> RecordedDecisions => _recordedDecisions.Values;

    /// <summary>Indexes the recorded decisions and which of them completed, before replay starts.</summary>
    public void LoadHistory(IReadOnlyList<HistoryEvent> history)
    {
        foreach (var e in history)
        {
            if (e.IsDecision)
            {
                _recordedDecisions[e.TaskId] = e;
            }
            else if (e.IsCompletion && e.TaskId >= 0)
            {
                _completedInHistory.Add(e.TaskId);
            }
        }
    }

    /// <summary>The work decided since the last call that must actually run now.</summary>
    public List<ScheduledWork> TakeWorkToRun()
    {
        var work = _toRun;
        _toRun = [];
        return work;
    }

    public bool IsTaskPending(int taskId) => _pending.ContainsKey(taskId);

    public Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, ActivityOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EnsureOnPump();
        return options?.Retry is { MaxNumberOfAttempts: > 1 } retry
            ? CallWithRetryAsync<TResult>(name, input, retry)
            : ScheduleActivity<TResult>(name, input, attempt: 1);
    }

    /// <summary>Retries are orchestrator code too: each attempt is a new decision, separated by a durable timer.</summary>
    private async Task<TResult> CallWithRetryAsync<TResult>(string name, object? input, RetryPolicy retry)
    {
        var delay = retry.FirstRetryInterval;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ScheduleActivity<TResult>(name, input, attempt);
            }
            catch (ActivityFailedException) when (attempt < retry.MaxNumberOfAttempts)
            {
                await CreateTimer(CurrentUtcDateTime + delay);
                delay = TimeSpan.FromTicks((long)(delay.Ticks * Math.Max(1.0, retry.BackoffCoefficient)));
            }
        }
    }

    private Task<TResult> ScheduleActivity<TResult>(string name, object? input, int attempt)
    {
        var taskId = _nextTaskId++;
        var pending = new PendingActivity<TResult>(taskId, name);
        var inputHash = _hashInputs ? InputHash.Compute(input, _json) : null;
        switch (Decide(HistoryEventType.TaskScheduled, taskId, name, null, inputHash))
        {
            case DecisionOutcome.Mismatch:
                pending.Abort(FatalError ?? new NonDeterministicOrchestrationException(Mismatches[^1]));
                return pending.Task;
            case DecisionOutcome.NotRecorded:
                return pending.Task;
            case DecisionOutcome.New:
            case DecisionOutcome.InFlight:
                _toRun.Add(new ScheduledActivity(taskId, name, input, attempt));
                break;
        }
        _pending[taskId] = pending;
        return pending.Task;
    }

    public Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default)
    {
        EnsureOnPump();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var fireAt = fireAtUtc.Kind switch
        {
            DateTimeKind.Local => fireAtUtc.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(fireAtUtc, DateTimeKind.Utc),
            _ => fireAtUtc,
        };
        var taskId = _nextTaskId++;
        var timer = new PendingTimer(taskId, fireAt);
        switch (Decide(HistoryEventType.TimerCreated, taskId, null, fireAt.ToString("o"), null))
        {
            case DecisionOutcome.Mismatch:
                timer.Abort(FatalError ?? new NonDeterministicOrchestrationException(Mismatches[^1]));
                return timer.Task;
            case DecisionOutcome.NotRecorded:
                return timer.Task;
            case DecisionOutcome.New:
            case DecisionOutcome.InFlight:
                _toRun.Add(new ScheduledTimer(taskId, fireAt, timer.DelayCancellation.Token));
                break;
        }
        _pending[taskId] = timer;
        if (cancellationToken.CanBeCanceled)
        {
            // Cancellation is applied through the pump so that it never touches this state from another thread.
            timer.Registration = cancellationToken.Register(() => _pump.Post(_ =>
            {
                if (_pending.Remove(taskId))
                {
                    timer.Cancel(cancellationToken);
                }
            }, null));
        }
        return timer.Task;
    }

    public Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        EnsureOnPump();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        var taskId = _nextTaskId++;
        var wait = new PendingEventWait<T>(taskId, eventName);
        if (Decide(HistoryEventType.EventWaitStarted, taskId, eventName, null, null) == DecisionOutcome.Mismatch)
        {
            wait.Abort(FatalError ?? new NonDeterministicOrchestrationException(Mismatches[^1]));
            return wait.Task;
        }
        if (_bufferedEvents.TryGetValue(eventName, out var buffered) && buffered.Count > 0)
        {
            wait.Deliver(buffered.Dequeue(), _json);
            return wait.Task;
        }
        if (!_eventWaiters.TryGetValue(eventName, out var waiters))
        {
            _eventWaiters[eventName] = waiters = new Queue<PendingEventWait>();
        }
        waiters.Enqueue(wait);
        if (cancellationToken.CanBeCanceled)
        {
            wait.Registration = cancellationToken.Register(() => _pump.Post(_ => wait.Cancel(cancellationToken), null));
        }
        return wait.Task;
    }

    public void SetCustomStatus(object? status)
    {
        EnsureOnPump();
        CustomStatusJson = status is null ? null : JsonSerializer.Serialize(status, status.GetType(), _json);
        CustomStatusDirty = true;
    }

    public Guid NewGuid() => DeterministicGuid.Create(InstanceId, _guidCounter++);

    /// <summary>Feeds one completion (recorded or live, already in history) to the waiting orchestrator code.
    /// Must run inside <see cref="OrchestrationPump.Run"/>.</summary>
    public void Deliver(HistoryEvent e)
    {
        switch (e.EventType)
        {
            case HistoryEventType.TaskCompleted:
                TakePending(e, HistoryEventType.TaskScheduled)?.Complete(e.Payload, _json);
                break;
            case HistoryEventType.TaskFailed:
                var failed = TakePending(e, HistoryEventType.TaskScheduled);
                failed?.Fail(e.Name ?? "Exception", e.Payload ?? string.Empty);
                break;
            case HistoryEventType.TimerFired:
                TakePending(e, HistoryEventType.TimerCreated)?.Fire();
                break;
            case HistoryEventType.EventRaised:
                DeliverEvent(e.Name ?? string.Empty, e.Payload);
                break;
            default:
                throw new InvalidOperationException($"{e.EventType} is not a completion.");
        }
    }

    /// <summary>Records a non-determinism found outside a decision (by the replay loop).</summary>
    public void ReportNonDeterminism(string detail)
    {
        var message = $"Non-deterministic orchestration '{InstanceId}': {detail}";
        if (_verifying)
        {
            Mismatches.Add(message);
        }
        else
        {
            FatalError ??= new NonDeterministicOrchestrationException(message);
        }
    }

    private DecisionOutcome Decide(HistoryEventType type, int taskId, string? name, string? payload, string? detail)
    {
        if (_recordedDecisions.TryGetValue(taskId, out var recorded))
        {
            DecisionsCompared++;
            if (recorded.EventType != type || !string.Equals(recorded.Name, name, StringComparison.Ordinal))
            {
                ReportNonDeterminism($"at task id {taskId} the history has {Describe(recorded.EventType, recorded.Name)} " +
                    $"but the orchestrator now issued {Describe(type, name)}.");
                return DecisionOutcome.Mismatch;
            }
            if (type == HistoryEventType.TaskScheduled && recorded.Detail is not null && detail is not null
                && !string.Equals(recorded.Detail, detail, StringComparison.Ordinal))
            {
                ReportSoftMismatch($"the input of activity '{name}' at task id {taskId} differs from the recorded one.");
            }
            if (type == HistoryEventType.TimerCreated && !string.Equals(recorded.Payload, payload, StringComparison.Ordinal))
            {
                ReportSoftMismatch($"the timer at task id {taskId} fires at {payload}, the recorded one at {recorded.Payload}.");
            }
            return _completedInHistory.Contains(taskId) ? DecisionOutcome.Replayed : DecisionOutcome.InFlight;
        }
        if (_verifying)
        {
            if (ExpectNoNewDecisions)
            {
                Mismatches.Add($"Orchestration '{InstanceId}' issued {Describe(type, name)} at task id {taskId}, which is not in its history.");
            }
            return DecisionOutcome.NotRecorded;
        }
        _recordDecision(type, taskId, name, payload, detail);
        return DecisionOutcome.New;
    }

    /// <summary>A difference that does not stop a live replay (inputs are not stored, so results still line up)
    /// but that verification must report.</summary>
    private void ReportSoftMismatch(string detail)
    {
        var message = $"Orchestration '{InstanceId}': {detail}";
        if (_verifying)
        {
            Mismatches.Add(message);
        }
        else
        {
            _warn(message);
        }
    }

    private PendingTask? TakePending(HistoryEvent e, HistoryEventType expectedDecision)
    {
        if (_pending.Remove(e.TaskId, out var pending))
        {
            if (pending.DecisionType == expectedDecision)
            {
                return pending;
            }
            ReportNonDeterminism($"the history has {e.EventType} for task id {e.TaskId}, but the orchestrator's task {e.TaskId} is a {pending.DecisionType}.");
            pending.Abort(FatalError ?? new NonDeterministicOrchestrationException(Mismatches[^1]));
            return null;
        }
        if (e.TaskId < _nextTaskId)
        {
            return null; // already completed or cancelled by the orchestrator (e.g. a timer that lost a race)
        }
        ReportNonDeterminism($"the history has {e.EventType} for task id {e.TaskId}, which the orchestrator did not schedule.");
        return null;
    }

    private void DeliverEvent(string name, string? payload)
    {
        if (_eventWaiters.TryGetValue(name, out var waiters))
        {
            while (waiters.TryDequeue(out var wait))
            {
                if (!wait.IsCompleted)
                {
                    wait.Deliver(payload, _json);
                    return;
                }
            }
        }
        if (!_bufferedEvents.TryGetValue(name, out var buffered))
        {
            _bufferedEvents[name] = buffered = new Queue<string?>();
        }
        buffered.Enqueue(payload);
    }

    private void EnsureOnPump()
    {
        if (!ReferenceEquals(SynchronizationContext.Current, _pump))
        {
            throw new InvalidOperationException(
                "Orchestrator code must stay on its orchestration thread: do not use ConfigureAwait(false), Task.Run or other threads in an orchestrator.");
        }
    }

    private static string Describe(HistoryEventType type, string? name) => type switch
    {
        HistoryEventType.TaskScheduled => $"activity '{name}'",
        HistoryEventType.TimerCreated => "a timer",
        HistoryEventType.EventWaitStarted => $"a wait for event '{name}'",
        _ => type.ToString(),
    };
}
