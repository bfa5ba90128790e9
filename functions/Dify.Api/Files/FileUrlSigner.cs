using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Dify.Api.Files;

/// <summary>
/// Dify's signed file URLs: <c>{base}/files/{id}/file-preview?timestamp&amp;nonce&amp;sign</c> where sign is the
/// URL-safe base64 HMAC-SHA256 of <c>file-preview|{id}|{timestamp}|{nonce}</c>. Anyone holding the URL may
/// read the file until it expires; nobody can forge one for another file or extend its life.
/// </summary>
public sealed class FileUrlSigner
{
    private const string Purpose = "file-preview";
    private readonly byte[] _key;
    private readonly FileAccessOptions _options;
    private readonly TimeProvider _time;

    public FileUrlSigner(IOptions<FileAccessOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _key = _options.SecretKey is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>A signed preview URL for <paramref name="fileId"/>, rooted at the configured public URL or the request's own address.</summary>
    public string PreviewUrl(HttpRequest request, string fileId, bool asAttachment = false)
    {
        var root = _options.PublicUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var url = $"{root}/files/{fileId}/file-preview?timestamp={timestamp}&nonce={nonce}&sign={Uri.EscapeDataString(Sign(fileId, timestamp, nonce))}";
        return asAttachment ? url + "&as_attachment=true" : url;
    }

    /// <summary>Whether the signature was made here for this file and has not expired.</summary>
    public bool Verify(string fileId, string timestamp, string nonce, string sign)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var issued)) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(fileId, timestamp, nonce));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(sign))) return false;
        return _time.GetUtcNow().ToUnixTimeSeconds() - issued <= _options.AccessTimeoutSeconds;
    }

    /// <summary>URL-safe base64 with padding, as Python's urlsafe_b64encode writes it.</summary>
    private string Sign(string fileId, string timestamp, string nonce)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{Purpose}|{fileId}|{timestamp}|{nonce}"));
        return Convert.ToBase64String(mac).Replace('+', '-').Replace('/', '_');
    }
}
