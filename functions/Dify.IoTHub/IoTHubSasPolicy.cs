using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.IoTHub;

/// <summary>
/// Service SAS: <c>SharedAccessSignature sr={urlenc(host)}&amp;sig={urlenc(base64(HMACSHA256(key, urlenc(host) + "\n" + expiry)))}&amp;se={expiry}&amp;skn={policy}</c>,
/// cached and re-signed when less than a fifth of its lifetime is left.
/// </summary>
internal sealed class IoTHubSasPolicy(IoTHubConnectionString connection, TimeSpan lifetime, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("Authorization", Token());

    private string Token()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_token is null || now >= _renewAt)
            {
                var expiry = now + lifetime;
                _token = Sign(connection.HostName, connection.SharedAccessKeyName, connection.SharedAccessKey, expiry);
                _renewAt = expiry - lifetime / 5;
            }
            return _token;
        }
    }

    internal static string Sign(string hostName, string keyName, string key, DateTimeOffset expiry)
    {
        var audience = WebUtility.UrlEncode(hostName);
        var expires = expiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(key), Encoding.UTF8.GetBytes(audience + "\n" + expires)));
        return $"SharedAccessSignature sr={audience}&sig={WebUtility.UrlEncode(signature)}&se={expires}&skn={WebUtility.UrlEncode(keyName)}";
    }
}
