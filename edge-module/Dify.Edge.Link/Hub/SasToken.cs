using System.Globalization;
using System.Net;

namespace Dify.Edge.Link.Hub;

/// <summary>
/// IoT Hub shared access signature:
/// <c>SharedAccessSignature sr={urlenc(resource)}&amp;sig={urlenc(base64(HMAC-SHA256(key, urlenc(resource) + "\n" + expiry)))}&amp;se={expiry}[&amp;skn={keyName}]</c>,
/// expiry in seconds since the Unix epoch.
/// </summary>
public static class SasToken
{
    /// <summary><c>{hub}/devices/{deviceId}</c> or <c>{hub}/devices/{deviceId}/modules/{moduleId}</c>.</summary>
    public static string ResourceUri(string hubHostName, string deviceId, string? moduleId) =>
        moduleId is null ? $"{hubHostName}/devices/{deviceId}" : $"{hubHostName}/devices/{deviceId}/modules/{moduleId}";

    /// <summary>The text that is signed: the URL-encoded resource, a newline, the expiry.</summary>
    public static string StringToSign(string resourceUri, long expiry) =>
        WebUtility.UrlEncode(resourceUri) + "\n" + expiry.ToString(CultureInfo.InvariantCulture);

    public static async Task<string> CreateAsync(string resourceUri, DateTimeOffset expiresAt, ISignatureProvider signer,
        string? keyName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceUri);
        ArgumentNullException.ThrowIfNull(signer);
        var expiry = expiresAt.ToUnixTimeSeconds();
        var signature = await signer.SignAsync(StringToSign(resourceUri, expiry), cancellationToken).ConfigureAwait(false);
        var token = string.Create(CultureInfo.InvariantCulture,
            $"SharedAccessSignature sr={WebUtility.UrlEncode(resourceUri)}&sig={WebUtility.UrlEncode(signature)}&se={expiry}");
        return keyName is null ? token : token + "&skn=" + WebUtility.UrlEncode(keyName);
    }
}
