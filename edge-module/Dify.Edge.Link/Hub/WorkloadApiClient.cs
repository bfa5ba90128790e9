using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Edge.Link.Hub;

/// <summary>The workload API's failure: HTTP status and the daemon's message.</summary>
public sealed class WorkloadApiException(int status, string message) : Exception($"IoT Edge workload API answered {status}: {message}")
{
    public int Status { get; } = status;
}

/// <summary>
/// Client of the IoT Edge security daemon's workload API (<c>IOTEDGE_WORKLOADURI</c>: <c>unix:///var/run/iotedge/workload.sock</c>
/// or an http URL): signs SAS strings with the module's key and reads the trust bundle.
/// </summary>
public sealed class WorkloadApiClient : IDisposable
{
    /// <summary>The api-version sent by default; edged accepts 2018-06-28 and later.</summary>
    public const string DefaultApiVersion = "2019-01-30";

    private readonly HttpClient _http;
    private readonly string _apiVersion;

    public WorkloadApiClient(Uri workloadUri, string apiVersion = DefaultApiVersion)
    {
        ArgumentNullException.ThrowIfNull(workloadUri);
        ArgumentException.ThrowIfNullOrEmpty(apiVersion);
        _apiVersion = apiVersion;
        if (workloadUri.Scheme == "unix")
        {
            var socketPath = workloadUri.AbsolutePath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri("http://workload/") };
        }
        else if (workloadUri.Scheme is "http" or "https")
        {
            _http = new HttpClient { BaseAddress = new Uri(workloadUri.ToString().TrimEnd('/') + "/") };
        }
        else
        {
            throw new ArgumentException($"Unsupported workload URI scheme '{workloadUri.Scheme}' (expected unix, http or https).", nameof(workloadUri));
        }
        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>POST /modules/{module}/genid/{generation}/sign: base64 HMAC-SHA256 of <paramref name="data"/> with the module's primary key.</summary>
    public async Task<string> SignAsync(string moduleId, string generationId, byte[] data, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(moduleId);
        ArgumentException.ThrowIfNullOrEmpty(generationId);
        var body = new JsonObject
        {
            ["keyId"] = "primary",
            ["algo"] = "HMACSHA256",
            ["data"] = Convert.ToBase64String(data),
        };
        var path = $"modules/{Uri.EscapeDataString(moduleId)}/genid/{Uri.EscapeDataString(generationId)}/sign?api-version={Uri.EscapeDataString(_apiVersion)}";
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
        using var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return json.RootElement.TryGetProperty("digest", out var digest) && digest.GetString() is { Length: > 0 } value
            ? value
            : throw new WorkloadApiException((int)response.StatusCode, "the sign response has no digest");
    }

    /// <summary>GET /trust-bundle: the PEM certificates to trust for edgeHub's TLS.</summary>
    public async Task<string> GetTrustBundleAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"trust-bundle?api-version={Uri.EscapeDataString(_apiVersion)}", cancellationToken).ConfigureAwait(false);
        using var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return json.RootElement.TryGetProperty("certificate", out var pem) && pem.GetString() is { Length: > 0 } value
            ? value
            : throw new WorkloadApiException((int)response.StatusCode, "the trust-bundle response has no certificate");
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var message = text;
            try
            {
                using var error = JsonDocument.Parse(text);
                message = error.RootElement.TryGetProperty("message", out var m) ? m.GetString() ?? text : text;
            }
            catch (JsonException)
            {
            }
            throw new WorkloadApiException((int)response.StatusCode, message);
        }
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new WorkloadApiException((int)response.StatusCode, "the response is not JSON: " + ex.Message);
        }
    }
}
