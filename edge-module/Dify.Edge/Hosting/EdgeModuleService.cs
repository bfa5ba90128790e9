using System.Diagnostics;
using Dify.Edge.Events;
using Dify.Edge.Hub;
using Dify.Edge.Sync;
using Dify.Edge.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Hosting;

/// <summary>
/// Start-up order: stored templates → resume unfinished runs (power cut) and re-hand their events → hub link (when
/// configured: methods, twin patches, module inputs; events spooled offline move to the queue) → twin sync (desired
/// templates, then patches) → ready (folder inputs start flowing). Without a hub the module runs offline-only.
/// </summary>
public sealed class EdgeModuleService(
    TemplateStore templates,
    TemplateRunner runner,
    TemplateSync sync,
    ModuleReady ready,
    EdgeEngine engine,
    IEventSink sink,
    ILogger<EdgeModuleService> logger,
    HubModule? hub = null) : BackgroundService
{
    /// <summary>How long start-up waits for the hub before running the stored templates (the twin is read once it connects).</summary>
    internal static TimeSpan HubConnectWait { get; set; } = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await templates.LoadAsync(stoppingToken).ConfigureAwait(false);
        await runner.ResumeAsync(stoppingToken).ConfigureAwait(false);
        var syncedAtConnect = -1L;
        if (hub is null)
        {
            var outbox = sink is SpoolEventSink spool ? spool.Directory : "the event sink";
            logger.LogInformation("No hub configured (Edge__HubConnectionString or the IoT Edge IOTEDGE_* environment): offline-only, events are kept in {Outbox}", outbox);
            await SyncAsync(stoppingToken).ConfigureAwait(false);
        }
        else
        {
            await hub.StartAsync(engine.DataDirectory, stoppingToken).ConfigureAwait(false);
            if (await hub.WaitConnectedAsync(HubConnectWait, stoppingToken).ConfigureAwait(false))
            {
                var connects = hub.Connection.Link!.ConnectCount;
                if (await SyncAsync(stoppingToken).ConfigureAwait(false)) syncedAtConnect = connects;
            }
            else
            {
                logger.LogWarning("The hub is not reachable ({Error}); running the stored templates, the twin is read once the link connects",
                    hub.Connection.Link!.LastError?.Message ?? "not connected yet");
                hub.Twin.OnDesiredPatch(sync.ApplyPatchAsync);
            }
        }

        ready.Set();
        using (var process = Process.GetCurrentProcess())
        {
            logger.LogInformation("Edge module ready: {Templates} templates active; RSS {RssMiB:F1} MiB", templates.Active.Count, process.WorkingSet64 / 1048576.0);
        }

        if (hub is not null) await hub.KeepTwinInSyncAsync(sync, syncedAtConnect, stoppingToken).ConfigureAwait(false);
    }

    private async Task<bool> SyncAsync(CancellationToken stoppingToken)
    {
        try
        {
            await sync.StartAsync(stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Offline at boot: run what is stored; patches and the next full read catch up.
            logger.LogWarning(e, "Reading the desired templates failed; running the stored ones");
            return false;
        }
    }
}
