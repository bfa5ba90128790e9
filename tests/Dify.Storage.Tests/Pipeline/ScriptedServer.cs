using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Storage.Tests.Pipeline;

/// <summary>One scripted answer: status, headers and body.</summary>
public sealed record ScriptedResponse(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null, string? ContentType = null);

/// <summary>What the server saw: method, path, raw query, headers and body bytes.</summary>
public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (random port) that answers from a script, in order, and repeats the
/// last answer when the script runs out. Records every request. Used to prove pipeline behaviour
/// (retries, error parsing, SAS) that Azurite cannot be made to show.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedResponse> _script;
    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private ScriptedResponse _last;

    private ScriptedServer(WebApplication app, IEnumerable<ScriptedResponse> script)
    {
        _app = app;
        _script = new ConcurrentQueue<ScriptedResponse>(script);
        _last = new ScriptedResponse(500);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A service root like Azurite's: <c>http://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public Uri AccountEndpoint => new(BaseAddress, "devstoreaccount1");

    public IReadOnlyList<SeenRequest> Requests => _seen.ToArray();

    public static Task<ScriptedServer> StartAsync(params ScriptedResponse[] script) => StartAsync(null, script);

    /// <summary>With <paramref name="certificate"/>, serves https (the client must trust that certificate).</summary>
    public static async Task<ScriptedServer> StartAsync(X509Certificate2? certificate, params ScriptedResponse[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var server = new ScriptedServer(app, script);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        _seen.Enqueue(new SeenRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray()));

        var answer = _script.TryDequeue(out var next) ? _last = next : _last;
        context.Response.StatusCode = answer.Status;
        context.Response.Headers["x-ms-request-id"] = $"req-{_seen.Count}";
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }
        if (answer.Body is not null)
        {
            context.Response.ContentType = answer.ContentType ?? "application/xml";
            await context.Response.WriteAsync(answer.Body);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
