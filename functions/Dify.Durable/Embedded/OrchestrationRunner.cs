using System.Threading.Channels;
using Dify.Durable.Storage;

namespace Dify.Durable.Embedded;

/// <summary>
/// The loop of one orchestration instance: replay the history, then repeatedly take what happened (activity
/// results, timers, events), append it to history, deliver it on the pump, and commit the turn's events
/// (completions + new decisions) in one batch before starting the newly decided work.
/// </summary>
internal sealed class OrchestrationRunner
{
    // Bounds one turn so a flood of completions still commits (and frees memory) regularly.
    private const int MaxMessagesPerTurn = 128;

    private readonly RuntimeServices _services;
    private readonly OrchestratorFunc _orchestrator;
    private readonly string? _input;
    private readonly IReadOnlyList<HistoryEvent>? _initialHistory;
    private readonly Channel<InboxMessage> _inbox = Channel.CreateUnbounded<InboxMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly OrchestrationPump _pump;
    private readonly OrchestrationContext _context;
    private readonly CancellationTokenSource _activityCancellation;
    private readonly HashSet<long> _seenInboxRows = [];
    private readonly List<long> _consumedInboxRows = [];
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<HistoryEvent> _turnEvents = [];
    private int _nextSequence;
    private bool _needsRunningStatus;
    private Task<string?> _orchestration = Task.FromResult<string?>(null);

    /// <param name="initialHistory">The history of a just-created instance; null to load it (resume).</param>
    public OrchestrationRunner(
        RuntimeServices services,
        string instanceId,
        string name,
        OrchestratorFunc orchestrator,
        string? input,
        IReadOnlyList<HistoryEvent>? initialHistory,
        OrchestrationStatus storedStatus)
    {
        _services = services;
        InstanceId = instanceId;
        Name = name;
        _orchestrator = orchestrator;
        _input = input;
        _initialHistory = initialHistory;
        _needsRunningStatus = storedStatus == OrchestrationStatus.Pending;
        _activityCancellation = CancellationTokenSource.CreateLinkedTokenSource(services.Shutdown);
        _pump = new OrchestrationPump(() => Post(WakeMessage.Instance));
        _context = new OrchestrationContext(instanceId, _pump, services.Json, services.HashInputs, verifying: false,
            RecordDecision, detail => Log.ReplayDifference(services.Logger, instanceId, detail));
    }

    public string InstanceId { get; }

    public string Name { get; }

    /// <summary>Completes when the loop has ended; true when the instance reached a final state.</summary>
    public Task<bool> Finished => _finished.Task;

    public void Post(InboxMessage message) => _inbox.Writer.TryWrite(message);

    /// <summary>Cancels running activities at once; the loop records the termination in order.</summary>
    public void RequestTerminate(string reason)
    {
        Post(new TerminateMessage(reason));
        try
        {
            _activityCancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The loop already ended.
        }
    }

    public async Task RunAsync()
    {
        var finished = false;
        try
        {
            var shutdown = _services.Shutdown;
            var history = _initialHistory ?? await _services.Reader.GetHistoryAsync(InstanceId, shutdown).ConfigureAwait(false);
            if (history.Count == 0 || history[0].EventType != HistoryEventType.ExecutionStarted)
            {
                throw new InvalidOperationException($"History of '{InstanceId}' does not start with ExecutionStarted.");
            }
            _nextSequence = history.Count;
            if (_initialHistory is null)
            {
                Log.OrchestrationResumed(_services.Logger, InstanceId, history.Count);
            }
            else
            {
                Log.OrchestrationStarted(_services.Logger, InstanceId, Name);
            }
            _orchestration = Replayer.Replay(_context, _pump, _orchestrator, _input, history);
            if (_initialHistory is null)
            {
                // Events raised while no runner was loaded wait in the inbox table.
                foreach (var (rowId, name, payload) in await _services.Reader.GetInboxAsync(InstanceId, shutdown).ConfigureAwait(false))
                {
                    Post(new EventRaisedMessage(rowId, name, payload));
                }
            }
            finished = await LoopAsync(shutdown).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_services.Shutdown.IsCancellationRequested)
        {
            // Shutting down: the instance stays Running in the store and is resumed on the next start.
        }
        catch (Exception error)
        {
            Log.RunnerCrashed(_services.Logger, InstanceId, error);
            finished = await TryMarkFailedAsync(error).ConfigureAwait(false);
        }
        finally
        {
            _activityCancellation.Cancel();
            _activityCancellation.Dispose();
            _finished.TrySetResult(finished);
            _services.RunnerExited(this, finished);
        }
    }

    private bool IsDone => _orchestration.IsCompleted || _context.FatalError is not null;

    private async Task<bool> LoopAsync(CancellationToken shutdown)
    {
        while (true)
        {
            if (IsDone)
            {
                await FinishAsync().ConfigureAwait(false);
                return true;
            }
            await CommitTurnAsync().ConfigureAwait(false);
            var message = await _inbox.Reader.ReadAsync(shutdown).ConfigureAwait(false);
            for (var processed = 1; ; processed++)
            {
                if (message is TerminateMessage terminate)
                {
                    await TerminateAsync(terminate.Reason).ConfigureAwait(false);
                    return true;
                }
                Process(message);
                if (IsDone || processed >= MaxMessagesPerTurn || !_inbox.Reader.TryRead(out message!))
                {
                    break;
                }
            }
        }
    }

    private void Process(InboxMessage message)
    {
        switch (message)
        {
            case ActivityCompletedMessage completed when _context.IsTaskPending(completed.TaskId):
                Deliver(Append(HistoryEventType.TaskCompleted, completed.TaskId, null, completed.ResultJson));
                break;
            case ActivityFailedMessage failed when _context.IsTaskPending(failed.TaskId):
                Deliver(Append(HistoryEventType.TaskFailed, failed.TaskId, failed.ErrorType, failed.ErrorMessage));
                break;
            case TimerFiredMessage fired when _context.IsTaskPending(fired.TaskId):
                Deliver(Append(HistoryEventType.TimerFired, fired.TaskId, null, null));
                break;
            case EventRaisedMessage raised when _seenInboxRows.Add(raised.RowId):
                _consumedInboxRows.Add(raised.RowId);
                Deliver(Append(HistoryEventType.EventRaised, -1, raised.Name, raised.Payload));
                break;
            case WakeMessage:
                _pump.Run(null);
                break;
            default:
                break; // a late result of something the orchestrator no longer waits for (e.g. a cancelled timer)
        }
    }

    /// <summary>Appends a completion to this turn's history; its time becomes the orchestrator's "now".</summary>
    private HistoryEvent Append(HistoryEventType type, int taskId, string? name, string? payload)
    {
        var now = DateTime.UtcNow;
        if (now < _context.CurrentUtcDateTime)
        {
            now = _context.CurrentUtcDateTime; // keep orchestration time monotonic even if the clock steps back
        }
        var e = new HistoryEvent(_nextSequence++, type, now, taskId, name, payload);
        _turnEvents.Add(e);
        _context.CurrentUtcDateTime = now;
        return e;
    }

    private void Deliver(HistoryEvent e) => _pump.Run(() => _context.Deliver(e));

    private void RecordDecision(HistoryEventType type, int taskId, string? name, string? payload, string? detail) =>
        _turnEvents.Add(new HistoryEvent(_nextSequence++, type, _context.CurrentUtcDateTime, taskId, name, payload, detail));

    /// <summary>Commits the turn, starting its new work meanwhile: should the commit be lost in a crash, that work
    /// simply runs again after resume (activities are at-least-once), and results are only read after the commit.</summary>
    private async Task CommitTurnAsync()
    {
        var work = _context.TakeWorkToRun();
        var batch = TakeTurnBatch();
        var commit = batch is null ? Task.CompletedTask : _services.Writer.SubmitAsync(batch);
        foreach (var item in work)
        {
            switch (item)
            {
                case ScheduledActivity activity:
                    _services.Dispatcher.Run(this, activity, _activityCancellation.Token);
                    break;
                case ScheduledTimer timer:
                    _services.Dispatcher.StartTimer(this, timer, _activityCancellation.Token);
                    break;
            }
        }
        await commit.ConfigureAwait(false);
    }

    private WriteBatch? TakeTurnBatch()
    {
        if (_turnEvents.Count == 0 && _consumedInboxRows.Count == 0 && !_needsRunningStatus && !_context.CustomStatusDirty)
        {
            return null;
        }
        var batch = new WriteBatch();
        var now = DateTime.UtcNow;
        if (_turnEvents.Count > 0)
        {
            batch.Add(new AppendEventsOp(InstanceId, _turnEvents));
            _turnEvents = [];
        }
        if (_needsRunningStatus)
        {
            batch.Add(new SetStatusOp(InstanceId, OrchestrationStatus.Running, null, null, now));
            _needsRunningStatus = false;
        }
        if (_context.CustomStatusDirty)
        {
            batch.Add(new SetCustomStatusOp(InstanceId, _context.CustomStatusJson, now));
            _context.CustomStatusDirty = false;
        }
        foreach (var rowId in _consumedInboxRows)
        {
            batch.Add(new DeleteInboxOp(rowId));
        }
        _consumedInboxRows.Clear();
        return batch;
    }

    private async Task FinishAsync()
    {
        var batch = TakeTurnBatch() ?? new WriteBatch();
        var now = DateTime.UtcNow;
        if (_context.FatalError is null && _orchestration.IsCompletedSuccessfully)
        {
            var output = _orchestration.Result;
            batch.Add(new AppendEventsOp(InstanceId, [new HistoryEvent(_nextSequence++, HistoryEventType.ExecutionCompleted, now, Payload: output)]));
            batch.Add(new SetStatusOp(InstanceId, OrchestrationStatus.Completed, output, null, now));
            await _services.Writer.SubmitAsync(batch).ConfigureAwait(false);
            Log.OrchestrationCompleted(_services.Logger, InstanceId);
            return;
        }
        Exception error = _context.FatalError
            ?? _orchestration.Exception?.InnerException
            ?? new TaskCanceledException("The orchestrator was cancelled.");
        var errorType = error.GetType().FullName ?? error.GetType().Name;
        batch.Add(new AppendEventsOp(InstanceId, [new HistoryEvent(_nextSequence++, HistoryEventType.ExecutionFailed, now, Name: errorType, Payload: error.Message)]));
        batch.Add(new SetStatusOp(InstanceId, OrchestrationStatus.Failed, null, $"{error.GetType().Name}: {error.Message}", now));
        await _services.Writer.SubmitAsync(batch).ConfigureAwait(false);
        Log.OrchestrationFailed(_services.Logger, InstanceId, errorType, error);
    }

    /// <summary>After an internal error, fail the instance visibly rather than leave clients waiting;
    /// if even that write fails the instance stays Running and is retried on the next start.</summary>
    private async Task<bool> TryMarkFailedAsync(Exception error)
    {
        try
        {
            var batch = new WriteBatch().Add(new SetStatusOp(InstanceId, OrchestrationStatus.Failed, null,
                $"Runtime error: {error.GetType().Name}: {error.Message}", DateTime.UtcNow));
            await _services.Writer.SubmitAsync(batch).ConfigureAwait(false);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private async Task TerminateAsync(string reason)
    {
        var batch = TakeTurnBatch() ?? new WriteBatch();
        var now = DateTime.UtcNow;
        batch.Add(new AppendEventsOp(InstanceId, [new HistoryEvent(_nextSequence++, HistoryEventType.ExecutionTerminated, now, Payload: reason)]));
        batch.Add(new SetStatusOp(InstanceId, OrchestrationStatus.Terminated, null, reason, now));
        await _services.Writer.SubmitAsync(batch).ConfigureAwait(false);
        Log.OrchestrationTerminated(_services.Logger, InstanceId);
    }
}
