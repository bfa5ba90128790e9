using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Azure.Core.Pipeline;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Sas;
using Dify.Storage.Tests.Azurite;
using Dify.Storage.Tests.Pipeline;

namespace Dify.Storage.Tests.Blobs;

/// <summary>
/// Blob SAS URLs. Service SAS (account key) against Azurite, which validates the signature, the expiry and the permissions.
/// User-delegation SAS: Azurite issues delegation keys only with OAuth over https, so the key request is checked against a
/// scripted https server and the signature against the documented string-to-sign with a known key.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobSasTests(AzuriteFixture azurite)
{
    private static readonly HttpClient Plain = new();

    private async Task<(BlobStoreClient Client, string Container, byte[] Bytes)> BlobAsync()
    {
        var client = azurite.CreateBlobClient();
        var container = "sas-" + Guid.NewGuid().ToString("N")[..12];
        await client.CreateContainerIfNotExistsAsync(container);
        var bytes = RandomNumberGenerator.GetBytes(70_000);
        await client.PutAsync(container, "dir/big template.yml", BinaryData.FromBytes(bytes));
        return (client, container, bytes);
    }

    [Fact]
    public async Task A_read_url_returns_the_bytes_to_a_client_without_credentials()
    {
        var (client, container, bytes) = await BlobAsync();

        var url = await client.GetSasUriAsync(BlobSasRequest.Read(container, "dir/big template.yml", DateTimeOffset.UtcNow.AddMinutes(10)));

        Assert.Contains("sp=r", url.Query, StringComparison.Ordinal);
        Assert.Equal(bytes, await Plain.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Expired_tampered_misused_or_moved_urls_are_refused()
    {
        var (client, container, _) = await BlobAsync();
        var expired = await client.GetSasUriAsync(BlobSasRequest.Read(container, "dir/big template.yml", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(-30)));
        var good = await client.GetSasUriAsync(BlobSasRequest.Read(container, "dir/big template.yml", DateTimeOffset.UtcNow.AddMinutes(10)));

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, expired));
        // Widening the permissions breaks the signature.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, new Uri(good.AbsoluteUri.Replace("sp=r", "sp=rw", StringComparison.Ordinal))));
        // Moving the expiry breaks it too.
        var later = BlobSasSigner.Time(DateTimeOffset.UtcNow.AddDays(30));
        var se = good.Query.Split('&').Single(p => p.StartsWith("se=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, new Uri(good.AbsoluteUri.Replace(se, "se=" + Uri.EscapeDataString(later), StringComparison.Ordinal))));
        // The same signature on another blob of the container.
        await client.PutAsync(container, "other.yml", BinaryData.FromString("secret"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, new Uri(good.AbsoluteUri.Replace("dir/big%20template.yml", "other.yml", StringComparison.Ordinal))));
        // Read-only: no overwrite.
        using var put = new HttpRequestMessage(HttpMethod.Put, good) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var putResponse = await Plain.SendAsync(put);
        Assert.Equal(HttpStatusCode.Forbidden, putResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, good));
    }

    [Fact]
    public async Task Bad_requests_are_refused_before_signing()
    {
        var key = azurite.Credential;
        var now = DateTimeOffset.UtcNow;
        Assert.Throws<ArgumentException>(() => BlobSasSigner.ServiceSas(new BlobSasRequest("c", "b", "rz", now.AddMinutes(5)), key, "https"));
        Assert.Throws<ArgumentException>(() => BlobSasSigner.ServiceSas(BlobSasRequest.Read("c", "b", now, now.AddMinutes(1)), key, "https"));
        Assert.Throws<ArgumentException>(() => BlobSasSigner.ServiceSas(BlobSasRequest.Read("c", "", now.AddMinutes(1)), key, "https"));
        var sasOnly = new BlobStoreClient(azurite.BlobEndpoint, new global::Azure.AzureSasCredential("sv=2021-12-02&sig=x"));
        await Assert.ThrowsAsync<NotSupportedException>(() => sasOnly.GetSasUriAsync(BlobSasRequest.Read("c", "b", now.AddMinutes(5))));
    }

    [Fact]
    public void The_user_delegation_signature_covers_the_documented_fields_in_order()
    {
        var secret = Convert.ToBase64String(Encoding.UTF8.GetBytes("a known 32 byte user delegation!"));
        var key = new UserDelegationKey("11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000",
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 8, 0, 0, 0, TimeSpan.Zero), "b", "2021-12-02", secret);
        var request = BlobSasRequest.Read("templates", "devices/t1.yml", new DateTimeOffset(2026, 1, 2, 12, 30, 0, TimeSpan.Zero));

        // sp, st, se, canonicalizedResource, skoid, sktid, skt, ske, sks, skv, saoid, suoid, scid, sip, spr, sv, sr, snapshot, ses, rscc, rscd, rsce, rscl, rsct
        string[] documented =
        [
            "r", "", "2026-01-02T12:30:00Z", "/blob/acct/templates/devices/t1.yml",
            "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000", "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z", "b", "2021-12-02",
            "", "", "", "", "https", "2021-12-02", "b", "", "", "", "", "", "", "",
        ];
        Assert.Equal(string.Join('\n', documented), BlobSasSigner.UserDelegationStringToSign(request, "acct", "https", key));

        var query = BlobSasSigner.UserDelegationSas(request, "acct", "https", key);
        var fields = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("a known 32 byte user delegation!"), Encoding.UTF8.GetBytes(string.Join('\n', documented))));
        Assert.Equal(expected, fields["sig"]);
        Assert.Equal(("r", "b", "2021-12-02", key.ObjectId, key.TenantId, "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z", "b", "2021-12-02"),
            (fields["sp"], fields["sr"], fields["sv"], fields["skoid"], fields["sktid"], fields["skt"], fields["ske"], fields["sks"], fields["skv"]));
        // A SAS may not outlive its key.
        Assert.Throws<ArgumentException>(() => BlobSasSigner.UserDelegationSas(request with { ExpiresOn = key.ExpiresOn.AddMinutes(1) }, "acct", "https", key));
    }

    [Fact]
    public void Service_sas_string_to_sign_follows_the_documented_layout()
    {
        var request = BlobSasRequest.Read("templates", "a/b.yml", new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), new DateTimeOffset(2026, 3, 4, 4, 0, 0, TimeSpan.Zero));
        // sp, st, se, canonicalizedResource, si, sip, spr, sv, sr, snapshot, ses, rscc, rscd, rsce, rscl, rsct
        Assert.Equal("r\n2026-03-04T04:00:00Z\n2026-03-04T05:06:07Z\n/blob/devstoreaccount1/templates/a/b.yml\n\n\nhttps,http\n2021-12-02\nb\n\n\n\n\n\n\n",
            BlobSasSigner.ServiceStringToSign(request, "devstoreaccount1", "https,http"));
        Assert.Equal("acct", BlobSasSigner.AccountNameOf(new Uri("https://acct.blob.core.windows.net/")));
        Assert.Equal("devstoreaccount1", BlobSasSigner.AccountNameOf(new Uri("http://127.0.0.1:10000/devstoreaccount1")));
    }

    [Fact]
    public async Task With_a_token_the_client_asks_for_a_delegation_key_once_and_signs_urls_with_it()
    {
        using var certificate = TokenAuthTests.SelfSigned();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var answer = $"""
            <?xml version="1.0" encoding="utf-8"?><UserDelegationKey><SignedOid>oid-1</SignedOid><SignedTid>tid-1</SignedTid><SignedStart>2026-01-01T00:00:00Z</SignedStart><SignedExpiry>2099-01-08T00:00:00Z</SignedExpiry><SignedService>b</SignedService><SignedVersion>2021-12-02</SignedVersion><Value>{secret}</Value></UserDelegationKey>
            """;
        await using var server = await ScriptedServer.StartAsync(certificate, new ScriptedResponse(200, Body: answer, ContentType: "application/xml"));
        var options = AzuriteFixture.FastOptions();
#pragma warning disable CA2000 // The transport owns the handler for the test's lifetime.
        options.Transport = new HttpClientTransport(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });
#pragma warning restore CA2000
        var client = new BlobStoreClient(new Uri($"https://127.0.0.1:{server.BaseAddress.Port}/acct"), new TokenAuthTests.FixedTokenCredential("token-9"), options);

        var first = await client.GetSasUriAsync(BlobSasRequest.Read("templates", "t.yml", DateTimeOffset.UtcNow.AddHours(1)));
        var second = await client.GetSasUriAsync(BlobSasRequest.Read("templates", "u.yml", DateTimeOffset.UtcNow.AddHours(2)));

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/acct", "Bearer token-9"), (request.Method, request.Path, request.Headers["Authorization"]));
        Assert.Contains("restype=service", request.Query, StringComparison.Ordinal);
        Assert.Contains("comp=userdelegationkey", request.Query, StringComparison.Ordinal);
        var keyInfo = XDocument.Parse(Encoding.UTF8.GetString(request.Body)).Root!;
        Assert.Equal("KeyInfo", keyInfo.Name.LocalName);
        var expiry = DateTimeOffset.Parse(keyInfo.Element("Expiry")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddHours(2), DateTimeOffset.UtcNow.AddDays(7));

        Assert.StartsWith($"https://127.0.0.1:{server.BaseAddress.Port}/acct/templates/t.yml?", first.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("skoid=oid-1", first.Query, StringComparison.Ordinal);
        Assert.Contains("spr=https&", first.Query, StringComparison.Ordinal);
        var key = new UserDelegationKey("oid-1", "tid-1", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2099, 1, 8, 0, 0, 0, TimeSpan.Zero), "b", "2021-12-02", secret);
        var se = Uri.UnescapeDataString(second.Query.Split('&').Single(p => p.StartsWith("se=", StringComparison.Ordinal))[3..]);
        var expected = BlobSasSigner.UserDelegationSas(BlobSasRequest.Read("templates", "u.yml", DateTimeOffset.Parse(se, System.Globalization.CultureInfo.InvariantCulture)), "acct", "https", key);
        Assert.Equal("?" + expected, second.Query);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpMethod method, Uri url)
    {
        using var request = new HttpRequestMessage(method, url);
        using var response = await Plain.SendAsync(request);
        return response.StatusCode;
    }
}
