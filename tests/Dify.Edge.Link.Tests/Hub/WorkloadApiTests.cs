using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dify.Edge.Link.Hub;
using Dify.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Link.Tests.Hub;

/// <summary>The workload API client against a local HTTP server on a unix socket, as edged serves it.</summary>
public sealed class WorkloadApiTests : IAsyncLifetime
{
    private readonly TempDirectory _folder = new("workload");
    private readonly List<string> _requests = [];
    private WebApplication? _server;

    private string SocketPath => _folder.Combine("workload.sock");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(SocketPath));
        var app = builder.Build();
        var key = Convert.FromBase64String(SasTokenTests.Key);
        app.MapPost("/modules/{module}/genid/{generation}/sign", async (string module, string generation, HttpContext context) =>
        {
            var apiVersion = context.Request.Query["api-version"].ToString();
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var root = body.RootElement;
            lock (_requests)
            {
                _requests.Add($"{module} {generation} {apiVersion} {root.GetProperty("keyId").GetString()} {root.GetProperty("algo").GetString()} {context.Request.ContentType}");
            }
            if (module != "dify-edge" || generation != "gen-1")
            {
                return Results.Json(new { message = $"Module not found: {module}" }, statusCode: 404);
            }
            var data = Convert.FromBase64String(root.GetProperty("data").GetString()!);
            return Results.Json(new { digest = Convert.ToBase64String(HMACSHA256.HashData(key, data)) });
        });
        app.MapGet("/trust-bundle", () => Results.Json(new { certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" }));
        await app.StartAsync();
        _server = app;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _folder.Dispose();
    }

    [Fact]
    public async Task Token_signed_by_the_workload_api_equals_the_shared_key_token()
    {
        using var workload = new WorkloadApiClient(new Uri("unix://" + SocketPath));
        var signer = new WorkloadSignatureProvider(workload, "dify-edge", "gen-1");
        var resource = SasToken.ResourceUri("myhub.azure-devices.net", "press-07", "dify-edge");

        var token = await SasToken.CreateAsync(resource, DateTimeOffset.FromUnixTimeSeconds(SasTokenTests.Expiry), signer);

        Assert.Equal(SasTokenTests.ExpectedToken, token);
        Assert.Equal(["dify-edge gen-1 2019-01-30 primary HMACSHA256 application/json"], _requests);
    }

    [Fact]
    public async Task Errors_and_the_trust_bundle()
    {
        using var workload = new WorkloadApiClient(new Uri("unix://" + SocketPath));

        var error = await Assert.ThrowsAsync<WorkloadApiException>(() => workload.SignAsync("other", "gen-1", "x"u8.ToArray(), CancellationToken.None));
        Assert.Equal(404, error.Status);
        Assert.Contains("Module not found: other", error.Message, StringComparison.Ordinal);

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await workload.GetTrustBundleAsync(CancellationToken.None), StringComparison.Ordinal);
    }

    [Fact]
    public void Edge_environment_builds_a_module_identity_signed_by_the_workload_api()
    {
        var variables = new Dictionary<string, string>
        {
            ["IOTEDGE_IOTHUBHOSTNAME"] = "myhub.azure-devices.net",
            ["IOTEDGE_GATEWAYHOSTNAME"] = "edgehub-host",
            ["IOTEDGE_DEVICEID"] = "press-07",
            ["IOTEDGE_MODULEID"] = "dify-edge",
            ["IOTEDGE_MODULEGENERATIONID"] = "gen-1",
            ["IOTEDGE_WORKLOADURI"] = "unix://" + SocketPath,
            ["IOTEDGE_AUTHSCHEME"] = "SasToken",
        };
        var options = HubLinkOptions.FromEdgeEnvironment(variables.GetValueOrDefault, out var workload);
        using (workload)
        {
            Assert.Equal(("edgehub-host", "press-07/dify-edge"), (options.GatewayHostName, options.ClientId));
            Assert.IsType<WorkloadSignatureProvider>(options.Signer);
        }
        variables["IOTEDGE_AUTHSCHEME"] = "X509";
        Assert.Throws<InvalidOperationException>(() => HubLinkOptions.FromEdgeEnvironment(variables.GetValueOrDefault, out _));
    }
}
