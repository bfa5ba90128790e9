using System.Collections.Concurrent;

namespace Dify.Durable.Embedded;

/// <summary>Fire-and-forget tasks of the runtime (loops, activities, timers), so dispose can wait for them.</summary>
internal sealed class BackgroundWork
{
    private readonly ConcurrentDictionary<Task, byte> _tasks = new();

    public void Track(Task task)
    {
        _tasks.TryAdd(task, 0);
        task.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            _tasks, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until everything tracked has ended (work started while waiting is waited for too).</summary>
    public async Task WhenAllAsync()
    {
        while (!_tasks.IsEmpty)
        {
            try
            {
                await Task.WhenAll(_tasks.Keys).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Failures were handled (and logged) by the tasks themselves; here we only wait.
            }
        }
    }
}
