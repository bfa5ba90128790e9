using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.IoTHub.Tests;

public sealed class IoTHubServiceClientTests
{
    private static IoTHubServiceClient Client(FakeIoTHub hub, string? connectionString = null) =>
        new(connectionString ?? FakeIoTHub.ConnectionString, new IoTHubClientOptions { Endpoint = hub.BaseAddress, Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(10) } });

    [Fact]
    public async Task Gets_a_module_twin_with_a_service_sas()
    {
        await using var hub = await FakeIoTHub.StartAsync();
        hub.AddModule("dev 1", "edge");
        var twin = await Client(hub).GetModuleTwinAsync("dev 1", "edge");

        Assert.Equal(("dev 1", "edge", 1L), (twin.DeviceId, twin.ModuleId, twin.Version));
        var seen = Assert.Single(hub.Requests);
        Assert.Equal(("GET", "/twins/dev 1/modules/edge", "?api-version=2021-04-12"), (seen.Method, Uri.UnescapeDataString(seen.Path), seen.Query));
        Assert.Matches("^SharedAccessSignature sr=test-hub.azure-devices.net&sig=[^&]+&se=[0-9]+&skn=service$", seen.Headers["Authorization"]);
    }

    [Fact]
    public async Task Desired_properties_merge_under_if_match_and_a_stale_etag_is_refused()
    {
        await using var hub = await FakeIoTHub.StartAsync();
        hub.AddModule("d", "m");
        var client = Client(hub);
        var before = await client.GetModuleTwinAsync("d", "m");

        var after = await client.UpdateModuleDesiredPropertiesAsync("d", "m", new JsonObject { ["a"] = 1, ["nested"] = new JsonObject { ["x"] = "y" } }, before.ETag);
        Assert.Equal(2, after.Version);
        Assert.Equal(1, after.Desired["a"]!.GetValue<int>());
        var patch = hub.Requests[^1];
        Assert.Equal(("PATCH", $"\"{before.ETag}\""), (patch.Method, patch.Headers["If-Match"]));
        Assert.Equal("{\"properties\":{\"desired\":{\"a\":1,\"nested\":{\"x\":\"y\"}}}}", patch.Body);
        Assert.StartsWith("application/json", patch.Headers["Content-Type"], StringComparison.Ordinal);

        var stale = await Assert.ThrowsAsync<IoTHubRequestException>(() => client.UpdateModuleDesiredPropertiesAsync("d", "m", new JsonObject { ["a"] = 2 }, before.ETag));
        Assert.Equal((412, "PreconditionFailed"), (stale.Status, stale.ErrorCode));

        var removed = await client.UpdateModuleDesiredPropertiesAsync("d", "m", new JsonObject { ["a"] = null });
        Assert.Equal("*", hub.Requests[^1].Headers["If-Match"]);
        Assert.False(removed.Desired.ContainsKey("a"));
        Assert.Equal("y", removed.Desired["nested"]!["x"]!.GetValue<string>());
    }

    [Fact]
    public async Task Direct_methods_carry_name_timeouts_and_payload_and_return_the_module_answer()
    {
        await using var hub = await FakeIoTHub.StartAsync();
        hub.AddModule("d", "m");
        hub.Methods = (device, module, name, payload) => name == "echo" ? (201, new JsonObject { ["got"] = payload?.DeepClone() }) : null;
        var client = Client(hub);

        var result = await client.InvokeModuleMethodAsync("d", "m", new DirectMethodRequest("echo", new JsonObject { ["n"] = 3 }) { ResponseTimeout = TimeSpan.FromSeconds(15) });
        Assert.Equal(201, result.Status);
        Assert.Equal("{\"got\":{\"n\":3}}", result.Payload!.ToJsonString());
        var call = hub.Requests[^1];
        Assert.Equal(("POST", "/twins/d/modules/m/methods"), (call.Method, call.Path));
        Assert.Equal("{\"methodName\":\"echo\",\"responseTimeoutInSeconds\":15,\"connectTimeoutInSeconds\":0,\"payload\":{\"n\":3}}", call.Body);

        var offline = await Assert.ThrowsAsync<IoTHubRequestException>(() => client.InvokeModuleMethodAsync("d", "m", new DirectMethodRequest("reboot")));
        Assert.Equal((404, "DeviceNotOnline"), (offline.Status, offline.ErrorCode));
        var missing = await Assert.ThrowsAsync<IoTHubRequestException>(() => client.GetModuleTwinAsync("d", "nope"));
        Assert.Equal((404, "ModuleNotFound"), (missing.Status, missing.ErrorCode));
    }

    [Fact]
    public async Task A_wrong_key_is_rejected_and_the_error_never_shows_the_signature()
    {
        await using var hub = await FakeIoTHub.StartAsync();
        hub.AddModule("d", "m");
        var wrongKey = Convert.ToBase64String(new byte[32]);
        var e = await Assert.ThrowsAsync<IoTHubRequestException>(() =>
            Client(hub, $"HostName={FakeIoTHub.HostName};SharedAccessKeyName=service;SharedAccessKey={wrongKey}").GetModuleTwinAsync("d", "m"));
        Assert.Equal((401, "IotHubUnauthorizedAccess"), (e.Status, e.ErrorCode));
        var sig = hub.Requests[^1].Headers["Authorization"];
        Assert.DoesNotContain(sig, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entra_id_sends_a_bearer_token_for_the_iot_hub_scope_over_https()
    {
        using var certificate = SelfSigned();
        await using var hub = await FakeIoTHub.StartAsync(certificate, bearerToken: "tok-123");
        hub.AddModule("d", "m");
        var credential = new FixedTokenCredential("tok-123");
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint };
        var client = new IoTHubServiceClient(FakeIoTHub.HostName, credential, new IoTHubClientOptions { Endpoint = hub.BaseAddress, Transport = new HttpClientTransport(handler) });

        var twin = await client.GetModuleTwinAsync("d", "m");
        Assert.Equal("m", twin.ModuleId);
        Assert.Equal("Bearer tok-123", hub.Requests[^1].Headers["Authorization"]);
        Assert.Equal(["https://iothubs.azure.net/.default"], credential.Scopes.Distinct());
    }

    [Fact]
    public void Connection_strings_need_every_part_and_never_print_the_key()
    {
        var parsed = IoTHubConnectionString.Parse(FakeIoTHub.ConnectionString);
        Assert.Equal((FakeIoTHub.HostName, "service"), (parsed.HostName, parsed.SharedAccessKeyName));
        Assert.DoesNotContain(FakeIoTHub.Key, parsed.ToString(), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => IoTHubConnectionString.Parse("HostName=h;SharedAccessKeyName=s"));
        Assert.Throws<FormatException>(() => IoTHubConnectionString.Parse("HostName=h;SharedAccessKeyName=s;SharedAccessKey=not base64!"));
    }

    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes) Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
