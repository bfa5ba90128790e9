namespace Dify.Durable.Embedded;

/// <summary>
/// The single-threaded "pump" of one orchestration: a SynchronizationContext whose queue is drained by the
/// instance's loop. Orchestrator awaits capture it, so all orchestrator code runs one piece at a time, only
/// inside <see cref="Run"/>, in an order fixed by the order of delivered completions (hence replayable).
/// </summary>
internal sealed class OrchestrationPump(Action wakeOwner) : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly Lock _gate = new();
    private bool _running;

    /// <summary>Queues a continuation. A post from outside a drain (orchestrator code that escaped to another
    /// thread, e.g. a non-durable Task.Delay) wakes the owner so it is not left unprocessed.</summary>
    public override void Post(SendOrPostCallback d, object? state)
    {
        bool wake;
        lock (_gate)
        {
            _queue.Enqueue((d, state));
            wake = !_running;
        }
        if (wake)
        {
            wakeOwner();
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send is not supported on an orchestration pump.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> with this context current, then drains the queue until idle.
    /// Completions are delivered here so that continuations (including those of WhenAll/WhenAny) run inline.</summary>
    public void Run(Action? action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        lock (_gate)
        {
            _running = true;
        }
        try
        {
            action?.Invoke();
            while (true)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (_gate)
                {
                    if (!_queue.TryDequeue(out next))
                    {
                        _running = false;
                        break;
                    }
                }
                next.Callback(next.State);
            }
        }
        finally
        {
            lock (_gate)
            {
                _running = false;
            }
            SetSynchronizationContext(previous);
        }
    }
}
