using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Tests.Sandbox.AzureContainerApps;

public sealed record SeenExecution(string Path, string Query, string Authorization, JsonObject Body);

/// <summary>
/// A Kestrel (https, self-signed) server answering the dynamic sessions code interpreter API:
/// <c>POST /code/execute?api-version=…&amp;identifier=…</c> with a bearer token. It really runs the posted Python with
/// /usr/bin/python3 in a temp folder (killed at the request's <c>timeoutInSeconds</c>) and answers in the service's
/// shape: <c>{"properties":{"status","stdout","stderr","result","executionTimeInMilliseconds"}}</c>.
/// </summary>
public sealed class FakeSessionPool : IAsyncDisposable
{
    public const string Token = "session-token";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenExecution> _seen = new();

    private FakeSessionPool(WebApplication app, X509Certificate2 certificate) => (_app, Certificate) = (app, certificate);

    public X509Certificate2 Certificate { get; }
    public Uri PoolEndpoint { get; private set; } = null!;
    public IReadOnlyList<SeenExecution> Executions => _seen.ToArray();

    public static async Task<FakeSessionPool> StartAsync()
    {
        var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var pool = new FakeSessionPool(app, certificate);
        app.Run(pool.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        pool.PoolEndpoint = new Uri(address.TrimEnd('/') + "/subscriptions/s/resourceGroups/g/sessionPools/p");
        return pool;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!.AsObject();
        _seen.Enqueue(new SeenExecution(request.Path.Value ?? "", request.QueryString.Value ?? "", request.Headers.Authorization.ToString(), body));
        if (request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            context.Response.StatusCode = 401;
            return;
        }
        if (request.Method != "POST" || !(request.Path.Value ?? "").EndsWith("/sessionPools/p/code/execute", StringComparison.Ordinal)
            || request.Query["api-version"] != "2024-02-02-preview" || string.IsNullOrEmpty(request.Query["identifier"]))
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":{\"code\":\"BadRequest\",\"message\":\"bad path, api-version or identifier\"}}");
            return;
        }
        var properties = body["properties"]!.AsObject();
        if (properties["codeInputType"]?.GetValue<string>() != "inline" || properties["executionType"]?.GetValue<string>() != "synchronous")
        {
            context.Response.StatusCode = 400;
            return;
        }
        var (status, stdout, stderr, elapsed) = await RunPythonAsync(properties["code"]!.GetValue<string>(), properties["timeoutInSeconds"]?.GetValue<int>() ?? 220);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["$id"] = "1",
            ["properties"] = new JsonObject
            {
                ["$id"] = "2", ["status"] = status, ["stdout"] = stdout, ["stderr"] = stderr, ["result"] = "", ["executionTimeInMilliseconds"] = elapsed,
            },
        }.ToJsonString());
    }

    private static async Task<(string Status, string Stdout, string Stderr, long Elapsed)> RunPythonAsync(string code, int timeoutSeconds)
    {
        var folder = Directory.CreateTempSubdirectory("fake-aca-");
        try
        {
            var script = Path.Combine(folder.FullName, "cell.py");
            await File.WriteAllTextAsync(script, code);
            var start = new ProcessStartInfo("/usr/bin/python3") { WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-I");
            start.ArgumentList.Add(script);
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                return ("Failure", await stdout, "Execution timed out after " + timeoutSeconds + " seconds.", watch.ElapsedMilliseconds);
            }
            return (process.ExitCode == 0 ? "Success" : "Failure", await stdout, await stderr, watch.ElapsedMilliseconds);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}
