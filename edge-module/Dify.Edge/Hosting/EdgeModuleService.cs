using System.Diagnostics;
using Dify.Edge.Sync;
using Dify.Edge.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Hosting;

/// <summary>
/// Start-up order: stored templates → resume unfinished runs (power cut) and re-hand their events → twin sync
/// (desired templates, then patches) → ready (inputs start flowing).
/// </summary>
public sealed class EdgeModuleService(TemplateStore templates, TemplateRunner runner, TemplateSync sync, ModuleReady ready, ILogger<EdgeModuleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await templates.LoadAsync(stoppingToken).ConfigureAwait(false);
        await runner.ResumeAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await sync.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Offline at boot: run what is stored; patches and the next full read catch up.
            logger.LogWarning(e, "Reading the desired templates failed; running the stored ones");
        }

        ready.Set();
        using var process = Process.GetCurrentProcess();
        logger.LogInformation("Edge module ready: {Templates} templates active; RSS {RssMiB:F1} MiB", templates.Active.Count, process.WorkingSet64 / 1048576.0);
    }
}
