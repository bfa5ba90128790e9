using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Dify.Durable;
using Dify.Edge.Events;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Templates;

/// <summary>The result of one template run, as the <c>runTemplate</c> method returns it.</summary>
public sealed record TemplateRunOutcome(string RunId, string TemplateId, string Version, string Status, JsonObject Outputs, string? Error);

/// <summary>
/// Runs templates on the durable runtime and turns each finished run into a <see cref="TemplateEvent"/> for the sink.
/// A run is recorded as pending before it starts and forgotten only once its event is durable, so a power cut at any
/// point ends in exactly one event id per run (at least once; duplicates carry the same id).
/// </summary>
public sealed class TemplateRunner(EdgeEngine engine, TemplateStore templates, IEventSink sink, ILogger<TemplateRunner> logger, TimeProvider? time = null)
{
    private readonly PendingRuns pending = new(engine.DataDirectory);
    private readonly ConcurrentDictionary<string, Task<TemplateRunOutcome>> inFlight = new(StringComparer.Ordinal);
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private long completed;
    private long failed;

    public int InFlight => inFlight.Count;

    public long Completed => Interlocked.Read(ref completed);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>Starts a run of the active version of <paramref name="templateId"/>; the returned task ends when its event is durable.</summary>
    public async Task<Task<TemplateRunOutcome>> StartAsync(string templateId, JsonObject inputs, CancellationToken cancellationToken)
    {
        var template = templates.Find(templateId) ?? throw new KeyNotFoundException($"template '{templateId}' is not active on this device");
        var runId = Guid.CreateVersion7(clock.GetUtcNow()).ToString();
        var record = new PendingRun(runId, template.Id, template.Version, template.Definition.Key, clock.GetUtcNow());
        await pending.AddAsync(record, cancellationToken).ConfigureAwait(false);
        try
        {
            await engine.Runs.StartAsync(template.Definition, new StartRunOptions { Inputs = inputs, RunId = runId, AppId = template.Id, User = "edge" }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            pending.Remove(runId);
            throw;
        }

        logger.LogDebug("Started run {RunId} of template {TemplateId}@{Version}", runId, template.Id, template.Version);
        return Track(record, CancellationToken.None);
    }

    /// <summary>Runs a template and waits for its outputs (the <c>runTemplate</c> direct method).</summary>
    public async Task<TemplateRunOutcome> RunAsync(string templateId, JsonObject inputs, CancellationToken cancellationToken)
    {
        var run = await StartAsync(templateId, inputs, cancellationToken).ConfigureAwait(false);
        return await run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a restart: continues unfinished runs (the runtime replays their history) and hands over the events of runs
    /// that ended before their event was durable. Returns the runs picked up.
    /// </summary>
    public async Task<int> ResumeAsync(CancellationToken stopping)
    {
        var resumed = await engine.Runtime.ResumeUnfinishedAsync(stopping).ConfigureAwait(false);
        var records = await pending.ListAsync(stopping).ConfigureAwait(false);
        var picked = 0;
        foreach (var record in records)
        {
            if (await engine.Runtime.GetStateAsync(record.RunId, stopping).ConfigureAwait(false) is null)
            {
                // Crashed between the pending record and the start: the run never existed (its input is still where it was).
                pending.Remove(record.RunId);
                continue;
            }

            _ = Track(record, stopping);
            picked++;
        }

        logger.LogInformation("Resumed {Resumed} unfinished runs; {Pending} runs awaiting their event", resumed, picked);
        return picked;
    }

    /// <summary>Waits until every run in flight has handed its event over (tests, shutdown).</summary>
    public Task DrainAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(inFlight.Values.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(cancellationToken);

    private Task<TemplateRunOutcome> Track(PendingRun record, CancellationToken stopping)
    {
        var task = inFlight.GetOrAdd(record.RunId, _ => CompleteAsync(record, stopping));
        _ = task.ContinueWith(_ => inFlight.TryRemove(record.RunId, out var _), TaskScheduler.Default);
        return task;
    }

    private async Task<TemplateRunOutcome> CompleteAsync(PendingRun record, CancellationToken stopping)
    {
        await Task.Yield();
        var result = await engine.Runs.WaitAsync(record.RunId, stopping).ConfigureAwait(false);
        var succeeded = result.Status is WorkflowRunStatus.Succeeded or WorkflowRunStatus.PartialSucceeded;
        Interlocked.Increment(ref succeeded ? ref completed : ref failed);
        var templateEvent = new TemplateEvent(Guid.Parse(record.RunId), record.TemplateId, record.Version, clock.GetUtcNow(), result.Status, result.Outputs, result.Error);
        await sink.PublishAsync(templateEvent, stopping).ConfigureAwait(false);
        pending.Remove(record.RunId);
        if (!succeeded) logger.LogWarning("Run {RunId} of template {TemplateId}@{Version} ended {Status}: {Error}", record.RunId, record.TemplateId, record.Version, result.Status, result.Error);
        return new TemplateRunOutcome(record.RunId, record.TemplateId, record.Version, result.Status, result.Outputs, result.Error);
    }
}
