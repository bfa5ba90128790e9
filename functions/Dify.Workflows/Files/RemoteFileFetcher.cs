using System.Text.Json.Nodes;

namespace Dify.Workflows.Files;

/// <summary>Reads remote_url files over HTTP, bounded by a size limit, for every file storage adapter.</summary>
public sealed class RemoteFileFetcher(HttpClient? client, long maxBytes)
{
    public async Task<Stream> FetchAsync(JsonObject file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var url = (file["remote_url"] ?? file["url"])?.ToString();
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new FileStorageException("Missing or invalid URL for remote file.");
        if (client is null)
            throw new FileStorageException("Remote files cannot be fetched here (no HTTP client configured).");
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new FileStorageException($"Error downloading file: status code {(int)response.StatusCode}.");
            if (response.Content.Headers.ContentLength > maxBytes)
                throw new FileStorageException($"Remote file is larger than the limit of {BoundedCopy.Readable(maxBytes)}.");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var bytes = await BoundedCopy.ReadAllAsync(body, maxBytes, () => $"Remote file is larger than the limit of {BoundedCopy.Readable(maxBytes)}.", cancellationToken).ConfigureAwait(false);
            return new MemoryStream(bytes, writable: false);
        }
        catch (HttpRequestException e)
        {
            throw new FileStorageException($"Error downloading file: {e.Message}", e);
        }
    }
}
