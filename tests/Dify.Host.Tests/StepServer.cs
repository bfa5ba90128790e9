using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Tests;

/// <summary>A Kestrel server on 127.0.0.1 whose /step/{n} answers slowly and counts hits, to see which nodes ran and how often.</summary>
public sealed class StepServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentDictionary<int, int> Hits { get; } = new();
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(400);
    public string BaseAddress { get; private set; } = "";

    private StepServer(WebApplication app) => _app = app;

    public static async Task<StepServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new StepServer(app);
        app.MapGet("/step/{n:int}", async (int n, CancellationToken ct) =>
        {
            server.Hits.AddOrUpdate(n, 1, (_, c) => c + 1);
            await Task.Delay(server.Delay, ct);
            return Results.Text($"step {n} done");
        });
        await app.StartAsync();
        server.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
