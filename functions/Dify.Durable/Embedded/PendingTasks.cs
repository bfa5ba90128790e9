using System.Text.Json;

namespace Dify.Durable.Embedded;

/// <summary>
/// An orchestrator await waiting for a completion. The completion sources deliberately do NOT use
/// RunContinuationsAsynchronously: they are only ever completed on the pump, and asynchronous continuations
/// would push WhenAll/WhenAny combinator completions to the thread pool, racing the pump's idle detection.
/// </summary>
internal abstract class PendingTask(int taskId)
{
    public int TaskId { get; } = taskId;

    public abstract HistoryEventType DecisionType { get; }

    public virtual void Complete(string? json, JsonSerializerOptions options) =>
        throw new InvalidOperationException($"Task {TaskId} ({DecisionType}) cannot take a result.");

    public virtual void Fail(string errorType, string message) =>
        throw new InvalidOperationException($"Task {TaskId} ({DecisionType}) cannot fail.");

    public virtual void Fire() =>
        throw new InvalidOperationException($"Task {TaskId} ({DecisionType}) is not a timer.");

    public abstract void Abort(Exception error);
}

internal sealed class PendingActivity<TResult>(int taskId, string name) : PendingTask(taskId)
{
    private readonly TaskCompletionSource<TResult> _tcs = new();

    public string Name { get; } = name;

    public Task<TResult> Task => _tcs.Task;

    public override HistoryEventType DecisionType => HistoryEventType.TaskScheduled;

    /// <summary>Always deserialises, live too: the orchestrator then sees exactly the value a replay will see.</summary>
    public override void Complete(string? json, JsonSerializerOptions options)
    {
        TResult value;
        try
        {
            value = JsonSerializer.Deserialize<TResult>(json ?? "null", options)!;
        }
        catch (JsonException e)
        {
            _tcs.TrySetException(new ActivityFailedException(Name, e.GetType().FullName ?? nameof(JsonException),
                $"Result could not be read as {typeof(TResult).Name}: {e.Message}"));
            return;
        }
        _tcs.TrySetResult(value);
    }

    public override void Fail(string errorType, string message) =>
        _tcs.TrySetException(new ActivityFailedException(Name, errorType, message));

    public override void Abort(Exception error) => _tcs.TrySetException(error);
}

internal sealed class PendingTimer(int taskId, DateTime fireAt) : PendingTask(taskId)
{
    private readonly TaskCompletionSource _tcs = new();

    public DateTime FireAt { get; } = fireAt;

    /// <summary>Cancels the underlying delay when the orchestrator cancels the timer.</summary>
    public CancellationTokenSource DelayCancellation { get; } = new();

    public CancellationTokenRegistration Registration { get; set; }

    public Task Task => _tcs.Task;

    public bool IsCompleted => _tcs.Task.IsCompleted;

    public override HistoryEventType DecisionType => HistoryEventType.TimerCreated;

    public override void Fire()
    {
        Registration.Dispose();
        _tcs.TrySetResult();
    }

    public void Cancel(CancellationToken token)
    {
        _tcs.TrySetCanceled(token);
        DelayCancellation.Cancel();
    }

    public override void Abort(Exception error) => _tcs.TrySetException(error);
}

/// <summary>Event waits are matched by name, not task id; the task id only numbers the decision.</summary>
internal abstract class PendingEventWait(int taskId, string name) : PendingTask(taskId)
{
    public string Name { get; } = name;

    public override HistoryEventType DecisionType => HistoryEventType.EventWaitStarted;

    public abstract bool IsCompleted { get; }

    public abstract void Deliver(string? payload, JsonSerializerOptions options);

    public abstract void Cancel(CancellationToken token);
}

internal sealed class PendingEventWait<T>(int taskId, string name) : PendingEventWait(taskId, name)
{
    private readonly TaskCompletionSource<T> _tcs = new();

    public Task<T> Task => _tcs.Task;

    public CancellationTokenRegistration Registration { get; set; }

    public override bool IsCompleted => _tcs.Task.IsCompleted;

    public override void Deliver(string? payload, JsonSerializerOptions options)
    {
        Registration.Dispose();
        try
        {
            _tcs.TrySetResult(string.IsNullOrEmpty(payload) ? default! : JsonSerializer.Deserialize<T>(payload, options)!);
        }
        catch (JsonException e)
        {
            _tcs.TrySetException(e);
        }
    }

    public override void Cancel(CancellationToken token) => _tcs.TrySetCanceled(token);

    public override void Abort(Exception error) => _tcs.TrySetException(error);
}
