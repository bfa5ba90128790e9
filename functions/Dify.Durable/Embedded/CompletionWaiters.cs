using System.Collections.Concurrent;

namespace Dify.Durable.Embedded;

/// <summary>Signals for clients waiting on an instance to finish. Get the signal BEFORE reading the state:
/// a finish is committed before it is signalled, so either the read sees it or the signal fires.</summary>
internal sealed class CompletionWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    public Task Get(string instanceId) =>
        _signals.GetOrAdd(instanceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(string instanceId)
    {
        if (_signals.TryRemove(instanceId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    public void FailAll(Exception error)
    {
        foreach (var instanceId in _signals.Keys)
        {
            if (_signals.TryRemove(instanceId, out var signal))
            {
                signal.TrySetException(error);
            }
        }
    }
}
