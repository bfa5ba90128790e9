namespace Dify.Edge;

/// <summary>Completes once templates are loaded and unfinished runs resumed; input sources wait for it.</summary>
public sealed class ModuleReady
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => ready.Task.IsCompleted;

    public void Set() => ready.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => ready.Task.WaitAsync(cancellationToken);
}
