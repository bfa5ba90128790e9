using System.Security.Cryptography;
using System.Text;

namespace Dify.Edge.Sync;

/// <summary>Downloads a template by url with a size limit and checks its SHA-256 before anything else sees it.</summary>
public sealed class TemplateFetcher(HttpClient http, int maxBytes)
{
    public async Task<string> FetchAsync(Uri url, string expectedSha256, CancellationToken cancellationToken)
    {
        if (url.Scheme is not ("https" or "http")) throw new TemplateRejectedException($"url scheme {url.Scheme} is not allowed (https or http)");
        if (string.IsNullOrWhiteSpace(expectedSha256)) throw new TemplateRejectedException("url needs sha256");
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new TemplateRejectedException($"fetching the template failed: HTTP {(int)response.StatusCode}");
        if (response.Content.Headers.ContentLength > maxBytes) throw new TemplateRejectedException($"template is larger than {maxBytes} bytes");
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new TemplateRejectedException($"template is larger than {maxBytes} bytes");
            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, expectedSha256.Trim(), StringComparison.OrdinalIgnoreCase))
            throw new TemplateRejectedException($"sha256 mismatch: expected {expectedSha256.Trim().ToLowerInvariant()}, got {actual}");
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new TemplateRejectedException("template is not UTF-8 text");
        }
    }
}

/// <summary>A template version the device will not run; the message is reported to the twin.</summary>
public sealed class TemplateRejectedException(string message) : Exception(message);
