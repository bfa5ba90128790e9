using System.Net;
using System.Net.Sockets;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>
/// The HTTP clients the node sends through. Verified requests use the host's client (or one the node
/// owns); ssl_verify: false requests always use a separate handler that skips certificate checks,
/// so that choice can never leak into other nodes' requests. Node-owned handlers honour each
/// request's connect timeout through <see cref="ConnectTimeoutKey"/>.
/// </summary>
internal sealed class HttpTransport : IDisposable
{
    /// <summary>Per-request connect timeout, read by the owned handlers' connect callback.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("dify.http_request.connect_timeout");

    private readonly Func<HttpClient> _verified;
    private readonly HttpClient? _ownedVerified;
    private readonly Lazy<HttpClient> _unverified = new(() => new HttpClient(CreateHandler(verifyCertificates: false)) { Timeout = Timeout.InfiniteTimeSpan });

    private HttpTransport(Func<HttpClient> verified, HttpClient? owned)
    {
        _verified = verified;
        _ownedVerified = owned;
    }

    public static HttpTransport Owned()
    {
        var client = new HttpClient(CreateHandler(verifyCertificates: true)) { Timeout = Timeout.InfiniteTimeSpan };
        return new HttpTransport(() => client, client);
    }

    public static HttpTransport FromClient(HttpClient client) => new(() => client, null);

    /// <summary>Factory clients are cheap wrappers over pooled handlers; one per request is the intended use.</summary>
    public static HttpTransport FromFactory(IHttpClientFactory factory, string name) => new(() => factory.CreateClient(name), null);

    public HttpClient For(bool sslVerify) => sslVerify ? _verified() : _unverified.Value;

    /// <summary>Redirects followed like httpx(follow_redirects=True); no cookie jar, so nothing is shared between runs.</summary>
    internal static SocketsHttpHandler CreateHandler(bool verifyCertificates)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 20,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // picks up DNS changes
            ConnectCallback = ConnectAsync,
        };
        if (!verifyCertificates)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var t) ? t : TimeSpan.FromSeconds(10);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cts.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} timed out after {timeout.TotalSeconds:0.###} s.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _ownedVerified?.Dispose();
        if (_unverified.IsValueCreated) _unverified.Value.Dispose();
    }
}
