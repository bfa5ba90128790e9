using Microsoft.Extensions.Hosting;

namespace Dify.Host.LocalHub;

/// <summary>Starts the <see cref="LocalIoTHub"/> with the web host and disconnects it on shutdown.</summary>
internal sealed class LocalHubService(LocalIoTHub hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => hub.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await hub.DisposeAsync().ConfigureAwait(false);
}
