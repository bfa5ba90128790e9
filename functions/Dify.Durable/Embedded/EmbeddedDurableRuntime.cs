using System.Collections.Concurrent;
using System.Text.Json;
using Dify.Durable.Embedded;
using Dify.Durable.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Dify.Durable;

/// <summary>
/// Durable orchestrations inside this process: each instance's history is event-sourced into SQLite, and
/// after a crash <see cref="ResumeUnfinishedAsync"/> replays every unfinished instance and carries on.
/// Register orchestrators and activities first, then resume, then start new instances.
/// </summary>
public sealed class EmbeddedDurableRuntime : IOrchestrationClient, IAsyncDisposable
{
    private readonly ILogger<EmbeddedDurableRuntime> _logger;
    private readonly string _connectionString;
    private readonly JsonSerializerOptions _json;
    private readonly bool _hashInputs;
    private readonly ConcurrentDictionary<string, OrchestratorFunc> _orchestrators = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ActivityFunc> _activities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OrchestrationRunner> _active = new(StringComparer.Ordinal);
    private readonly CompletionWaiters _waiters = new();
    private readonly BackgroundWork _background = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly HistoryWriter _writer;
    private readonly HistoryReader _reader;
    private readonly RuntimeServices _services;
    private int _disposed;

    public EmbeddedDurableRuntime(EmbeddedRuntimeOptions options, ILogger<EmbeddedDurableRuntime> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _json = options.SerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _hashInputs = options.RecordActivityInputHashes;
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        _connectionString = Schema.ConnectionString(options.DatabasePath);
        _writer = new HistoryWriter(_connectionString, logger);
        _reader = new HistoryReader(_connectionString);
        var dispatcher = new ActivityDispatcher(_activities, options.MaxConcurrentActivities, _json, logger, _background);
        _services = new RuntimeServices(_writer, _reader, dispatcher, _json, _hashInputs, logger, _shutdown.Token, OnRunnerExited);
    }

    /// <summary>Registers (or replaces) an orchestrator under <paramref name="name"/>.</summary>
    public void RegisterOrchestrator(string name, OrchestratorFunc orchestrator)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _orchestrators[name] = orchestrator ?? throw new ArgumentNullException(nameof(orchestrator));
    }

    /// <summary>Registers (or replaces) an activity under <paramref name="name"/>.</summary>
    public void RegisterActivity(string name, ActivityFunc activity)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _activities[name] = activity ?? throw new ArgumentNullException(nameof(activity));
    }

    public async Task StartOrchestrationAsync(string orchestratorName, string instanceId, string? input, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(orchestratorName);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ThrowIfDisposed();
        if (!_orchestrators.TryGetValue(orchestratorName, out var orchestrator))
        {
            throw new InvalidOperationException($"No orchestrator named '{orchestratorName}' is registered.");
        }
        var createdAt = DateTime.UtcNow;
        IReadOnlyList<HistoryEvent> history = [new HistoryEvent(0, HistoryEventType.ExecutionStarted, createdAt, Name: orchestratorName)];
        var runner = new OrchestrationRunner(_services, instanceId, orchestratorName, orchestrator, input, history, OrchestrationStatus.Pending);
        await ClaimAsync(runner).ConfigureAwait(false);
        try
        {
            var existing = await _reader.GetStateAsync(instanceId, ct).ConfigureAwait(false);
            if (existing is { IsFinished: false })
            {
                throw new InvalidOperationException($"Orchestration instance '{instanceId}' already exists and is {existing.Status}.");
            }
            var batch = new WriteBatch()
                .Add(new CreateInstanceOp(instanceId, orchestratorName, input, createdAt))
                .Add(new AppendEventsOp(instanceId, history));
            await _writer.SubmitAsync(batch).ConfigureAwait(false);
        }
        catch
        {
            _active.TryRemove(KeyValuePair.Create(instanceId, runner));
            throw;
        }
        _background.Track(Task.Run(runner.RunAsync, CancellationToken.None));
    }

    /// <summary>Reserves the instance id in memory; a runner that already finished is waited out first.</summary>
    private async Task ClaimAsync(OrchestrationRunner runner)
    {
        while (!_active.TryAdd(runner.InstanceId, runner))
        {
            if (!_active.TryGetValue(runner.InstanceId, out var current))
            {
                continue;
            }
            if (!current.Finished.IsCompleted)
            {
                throw new InvalidOperationException($"Orchestration instance '{runner.InstanceId}' is already running.");
            }
            await current.Finished.ConfigureAwait(false);
            _active.TryRemove(KeyValuePair.Create(runner.InstanceId, current));
        }
    }

    public Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken ct)
    {
        ThrowIfDisposed();
        return _reader.GetStateAsync(instanceId, ct);
    }

    public async Task<OrchestrationState> WaitForCompletionAsync(string instanceId, CancellationToken ct)
    {
        while (true)
        {
            ThrowIfDisposed();
            var signal = _waiters.Get(instanceId);
            var state = await _reader.GetStateAsync(instanceId, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}'.");
            if (state.IsFinished)
            {
                return state;
            }
            await signal.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public async Task RaiseEventAsync(string instanceId, string eventName, string? payloadJson, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ThrowIfDisposed();
        var state = await _reader.GetStateAsync(instanceId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}'.");
        if (state.IsFinished)
        {
            Log.EventDiscarded(_logger, instanceId, eventName);
            return;
        }
        // Stored first, so the event survives a crash before the orchestrator consumes it.
        var insert = new InsertInboxOp(instanceId, eventName, payloadJson, DateTime.UtcNow);
        await _writer.SubmitAsync(new WriteBatch().Add(insert)).ConfigureAwait(false);
        if (_active.TryGetValue(instanceId, out var runner))
        {
            runner.Post(new EventRaisedMessage(insert.RowId, eventName, payloadJson));
        }
    }

    public async Task TerminateAsync(string instanceId, string reason, CancellationToken ct)
    {
        ThrowIfDisposed();
        if (_active.TryGetValue(instanceId, out var runner))
        {
            runner.RequestTerminate(reason);
            await runner.Finished.WaitAsync(ct).ConfigureAwait(false);
            return;
        }
        var state = await _reader.GetStateAsync(instanceId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}'.");
        if (state.IsFinished)
        {
            return;
        }
        // Not loaded (e.g. not resumed yet): terminate it in the store directly.
        await _writer.SubmitAsync(new WriteBatch().Add(new TerminateUnloadedOp(instanceId, reason, DateTime.UtcNow))).ConfigureAwait(false);
        Log.OrchestrationTerminated(_logger, instanceId);
        _waiters.Signal(instanceId);
    }

    /// <summary>Replays and continues every Pending or Running instance not already loaded; returns how many.</summary>
    public async Task<int> ResumeUnfinishedAsync(CancellationToken ct)
    {
        ThrowIfDisposed();
        var resumed = 0;
        foreach (var state in await _reader.GetUnfinishedAsync(ct).ConfigureAwait(false))
        {
            if (!_orchestrators.TryGetValue(state.Name, out var orchestrator))
            {
                Log.OrchestratorMissing(_logger, state.InstanceId, state.Name);
                continue;
            }
            var runner = new OrchestrationRunner(_services, state.InstanceId, state.Name, orchestrator, state.Input, null, state.Status);
            if (_active.TryAdd(state.InstanceId, runner))
            {
                _background.Track(Task.Run(runner.RunAsync, CancellationToken.None));
                resumed++;
            }
        }
        return resumed;
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct)
    {
        ThrowIfDisposed();
        return _reader.GetHistoryAsync(instanceId, ct);
    }

    public async Task<ReplayCheck> VerifyReplayAsync(string instanceId, CancellationToken ct)
    {
        ThrowIfDisposed();
        var state = await _reader.GetStateAsync(instanceId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No orchestration instance '{instanceId}'.");
        if (!_orchestrators.TryGetValue(state.Name, out var orchestrator))
        {
            throw new InvalidOperationException($"No orchestrator named '{state.Name}' is registered.");
        }
        var history = await _reader.GetHistoryAsync(instanceId, ct).ConfigureAwait(false);
        return ReplayVerifier.Verify(state, history, orchestrator, _json, _hashInputs);
    }

    private void OnRunnerExited(OrchestrationRunner runner, bool finished)
    {
        _active.TryRemove(KeyValuePair.Create(runner.InstanceId, runner));
        if (finished)
        {
            _waiters.Signal(runner.InstanceId);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Stops every loop, activity and timer (unfinished instances stay resumable), then closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _background.WhenAllAsync().ConfigureAwait(false);
        _waiters.FailAll(new ObjectDisposedException(nameof(EmbeddedDurableRuntime)));
        await _writer.DisposeAsync().ConfigureAwait(false);
        // Pooled read connections would otherwise keep the database file open.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
        _shutdown.Dispose();
    }
}
