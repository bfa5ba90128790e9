using System.Security.Cryptography.X509Certificates;
using Dify.Edge.Link.Hub;
using Dify.Edge.Link.Queue;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Hub;

/// <summary>
/// The module's uplink: the durable <see cref="OfflineQueue"/> (open from construction, so finished runs can hand their
/// events over before the hub is reachable) and the <see cref="HubLink"/> that drains it, made on
/// <see cref="StartAsync"/> (after the IoT Edge trust bundle is read, when running under IoT Edge).
/// </summary>
public sealed class HubConnection(HubLinkOptions options, WorkloadApiClient? workload, OfflineQueue queue, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly ILogger logger = loggers.CreateLogger<HubConnection>();
    private HubLink? link;

    public OfflineQueue Queue => queue;

    /// <summary>Null until <see cref="StartAsync"/>.</summary>
    public HubLink? Link => Volatile.Read(ref link);

    public bool IsConnected => Link?.IsConnected ?? false;

    /// <summary>Events delivered (acknowledged by the broker) since start.</summary>
    public long Delivered => Link?.DrainedCount ?? 0;

    public string ClientId => options.ClientId;

    /// <summary>Creates the link, lets <paramref name="configure"/> set its handlers, and starts it (connecting in the background).</summary>
    public async Task<HubLink> StartAsync(Action<HubLink> configure, CancellationToken cancellationToken)
    {
        if (Link is not null) throw new InvalidOperationException("The hub connection is already started.");
        if (workload is not null && options.UseTls && options.TrustedRoots.Count == 0)
        {
            try
            {
                var pem = await workload.GetTrustBundleAsync(cancellationToken).ConfigureAwait(false);
                options.TrustedRoots.ImportFromPem(pem);
                logger.LogInformation("Trusting {Count} roots from the IoT Edge trust bundle", options.TrustedRoots.Count);
            }
            catch (Exception e) when (e is WorkloadApiException or HttpRequestException or System.Security.Cryptography.CryptographicException)
            {
                logger.LogError("Reading the IoT Edge trust bundle failed ({Error}); only the system roots are trusted", e.Message);
            }
        }

        var created = new HubLink(options, queue, loggers);
        configure(created);
        Volatile.Write(ref link, created);
        await created.StartAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }

    public async ValueTask DisposeAsync()
    {
        if (Link is { } started) await started.DisposeAsync().ConfigureAwait(false);
        await queue.DisposeAsync().ConfigureAwait(false);
        workload?.Dispose();
    }
}
