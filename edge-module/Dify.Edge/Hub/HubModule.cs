using Dify.Edge.Events;
using Dify.Edge.Inputs;
using Dify.Edge.Link.Hub;
using Dify.Edge.Methods;
using Dify.Edge.Sync;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Hub;

/// <summary>
/// Wires the module to the hub link: direct methods (<see cref="DirectMethods.Names"/>, others answered 404 by the same
/// dispatcher), desired-property patches to the template sync (<see cref="TwinTemplateSource"/>), module input messages
/// to the templates (<see cref="HubInputs"/>); re-reads the whole twin after every reconnect (IoT Hub does not replay
/// the patches a disconnected module missed).
/// </summary>
public sealed class HubModule(HubConnection connection, QueueEventSink sink, DirectMethods methods, TwinTemplateSource twin, HubInputs inputs, ILogger<HubModule> logger)
{
    public HubConnection Connection => connection;

    public TwinTemplateSource Twin => twin;

    /// <summary>Moves events spooled offline into the queue, then starts the link (connecting in the background).</summary>
    public async Task StartAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        await sink.ImportSpoolAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        await connection.StartAsync(link =>
        {
            foreach (var name in DirectMethods.Names) link.SetMethodHandler(name, InvokeAsync);
            link.SetDefaultMethodHandler(InvokeAsync);
            twin.Attach(link);
            link.SetInputMessageHandler(inputs.HandleAsync);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the first connection; false when the hub is not reachable.</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await connection.Link!.WaitUntilConnectedAsync(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Until stopped: whenever the link has connected again since <paramref name="syncedAtConnect"/> (the connection count
    /// at the last whole-twin read; -1 if none succeeded), reads the whole desired document and applies it.
    /// </summary>
    public async Task KeepTwinInSyncAsync(TemplateSync sync, long syncedAtConnect, CancellationToken stoppingToken)
    {
        var link = connection.Link!;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var connects = link.ConnectCount;
                if (connects == syncedAtConnect || !link.IsConnected) continue;
                try
                {
                    var desired = await twin.GetDesiredAsync(stoppingToken).ConfigureAwait(false);
                    if (desired is not null) await sync.ApplyAsync(desired, fullDocument: true, stoppingToken).ConfigureAwait(false);
                    syncedAtConnect = connects;
                    logger.LogInformation("Desired templates read again after (re)connecting");
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Reading the twin after a reconnect failed ({Error}); retrying", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<DirectMethodResponse> InvokeAsync(DirectMethodRequest request, CancellationToken cancellationToken)
    {
        var result = await methods.InvokeAsync(request.Name, request.Payload, cancellationToken).ConfigureAwait(false);
        return new DirectMethodResponse(result.Status, result.BodyUtf8);
    }
}
