using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// A fixed number of worker slots for one language. Callers take a free slot from a channel, whose
/// waiting readers are served first come, first served; a slot starts its worker on first use and
/// keeps it warm. A worker that timed out, crashed or reached its call budget is replaced at once,
/// in the background, so the next caller finds a warm one.
/// </summary>
internal sealed class WorkerPool : IAsyncDisposable
{
    private readonly CodeLanguage _language;
    private readonly WorkerLauncher _launcher;
    private readonly LocalSandboxOptions _options;
    private readonly ILogger _logger;
    private readonly Slot[] _slots;
    private readonly Channel<Slot> _free = Channel.CreateUnbounded<Slot>();
    private readonly CancellationTokenSource _disposed = new();

    public WorkerPool(CodeLanguage language, WorkerLauncher launcher, LocalSandboxOptions options, ILogger logger)
    {
        _language = language;
        _launcher = launcher;
        _options = options;
        _logger = logger;
        _slots = Enumerable.Range(1, options.WorkersPerLanguage).Select(i => new Slot(i)).ToArray();
        foreach (var slot in _slots) _free.Writer.TryWrite(slot);
    }

    public async Task<JsonNode?> ExecuteAsync(byte[] payload, CancellationToken cancellationToken)
    {
        Slot slot;
        try
        {
            slot = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(LocalCodeSandbox));
        }
        try
        {
            var worker = await GetWorkerAsync(slot, cancellationToken).ConfigureAwait(false);
            try
            {
                return await worker.CallAsync(payload, _options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!worker.IsUsable) Replace(slot, worker, "timed out, crashed or was cancelled");
                else if (_options.MaxCallsPerWorker > 0 && worker.Calls >= _options.MaxCallsPerWorker)
                    Replace(slot, worker, $"served {worker.Calls} calls");
            }
        }
        finally
        {
            _free.Writer.TryWrite(slot); // fails only once disposed
        }
    }

    private async Task<SandboxWorker> GetWorkerAsync(Slot slot, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        // The start belongs to the slot, not to this caller: a caller giving up leaves it running
        // for the next one.
        slot.Worker ??= Start(slot);
        try
        {
            return await slot.Worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (slot.Worker.IsFaulted || slot.Worker.IsCanceled)
        {
            slot.Worker = null; // the next caller tries again
            if (e is CodeExecutionException) throw;
            throw new CodeExecutionException($"The {SandboxRequest.LanguageName(_language)} sandbox worker could not be started: {e.Message}", e);
        }
    }

    private Task<SandboxWorker> Start(Slot slot)
    {
        var start = _launcher.StartAsync(_language, slot.Index, _disposed.Token);
        // Replacements start with nobody awaiting them; log a failure instead of leaving it unobserved.
        _ = start.ContinueWith(t => SandboxLog.WorkerStartFailed(_logger, t.Exception!.GetBaseException(), SandboxRequest.LanguageName(_language), slot.Index),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return start;
    }

    private void Replace(Slot slot, SandboxWorker worker, string reason)
    {
        SandboxLog.WorkerReplaced(_logger, worker.Language, slot.Index, worker.Pid, reason);
        _ = worker.DisposeAsync().AsTask();
        slot.Worker = _disposed.IsCancellationRequested ? null : Start(slot);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        await _disposed.CancelAsync().ConfigureAwait(false);
        _free.Writer.TryComplete();
        foreach (var slot in _slots)
        {
            if (slot.Worker is not { } start) continue;
            try
            {
                var worker = await start.ConfigureAwait(false);
                await worker.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is CodeExecutionException or OperationCanceledException or ObjectDisposedException)
            {
                // It never started; nothing to stop.
            }
        }
        _disposed.Dispose();
    }

    private sealed class Slot(int index)
    {
        public int Index { get; } = index;

        /// <summary>The worker, possibly still starting; null until first use or after a failed start.</summary>
        public Task<SandboxWorker>? Worker { get; set; }
    }
}
