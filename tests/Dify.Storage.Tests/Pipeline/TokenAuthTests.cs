using System.Net.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Tables;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.Pipeline;

/// <summary>Entra ID auth: a bearer token for the storage scope, over https (Azurite only does OAuth over https).</summary>
public sealed class TokenAuthTests
{
    /// <summary>A credential that hands out a fixed token and records the scopes asked for.</summary>
    internal sealed class FixedTokenCredential(string token) : TokenCredential
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

    internal static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    [Fact]
    public async Task Token_credential_sends_a_bearer_token_for_the_storage_scope()
    {
        using var certificate = SelfSigned();
        await using var server = await ScriptedServer.StartAsync(certificate,
            new ScriptedResponse(503), new ScriptedResponse(200, new Dictionary<string, string> { ["ETag"] = "\"0x2\"", ["Content-Length"] = "0" }));
        var options = AzuriteFixture.FastOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
#pragma warning disable CA2000 // The transport owns the handler for the test's lifetime.
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint };
#pragma warning restore CA2000
        options.Transport = new HttpClientTransport(handler);
        var credential = new FixedTokenCredential("token-123");
        var endpoint = new Uri($"https://127.0.0.1:{server.BaseAddress.Port}/devstoreaccount1");
        var client = new BlobStoreClient(endpoint, credential, options);

        var properties = await client.GetPropertiesAsync("c", "b");

        Assert.Equal("0x2", properties.ETag.ToString());
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal("Bearer token-123", r.Headers["Authorization"]);
            Assert.True(r.Headers.ContainsKey("x-ms-date"));
        });
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public void Token_credential_over_plain_http_is_refused_up_front()
    {
        var credential = new FixedTokenCredential("t");
        Assert.Throws<ArgumentException>(() => new BlobStoreClient(new Uri("http://127.0.0.1:10000/devstoreaccount1"), credential));
        Assert.Throws<ArgumentException>(() => new TableStoreClient(new Uri("http://127.0.0.1:10002/devstoreaccount1"), credential));
        Assert.Empty(credential.Scopes);
    }
}
