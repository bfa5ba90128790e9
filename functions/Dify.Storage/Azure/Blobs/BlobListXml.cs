using System.Globalization;
using System.Xml.Linq;
using Azure;

namespace Dify.Storage.Azure.Blobs;

/// <summary>Reads a List Blobs <c>EnumerationResults</c> document into a <see cref="BlobPage"/>.</summary>
internal static class BlobListXml
{
    public static async Task<BlobPage> ReadAsync(Stream xml, CancellationToken cancellationToken)
    {
        var document = await XDocument.LoadAsync(xml, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        var root = document.Root ?? throw new InvalidDataException("List Blobs returned an empty document.");
        var items = new List<BlobItem>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var properties = blob.Element("Properties");
            var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in blob.Element("Metadata")?.Elements() ?? [])
            {
                metadata[entry.Name.LocalName] = entry.Value;
            }
            var lastModified = properties?.Element("Last-Modified")?.Value;
            items.Add(new BlobItem(
                blob.Element("Name")?.Value ?? "",
                long.TryParse(properties?.Element("Content-Length")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : 0,
                NullIfEmpty(properties?.Element("Content-Type")?.Value),
                properties?.Element("Etag")?.Value is { Length: > 0 } etag ? Unquoted(etag) : default,
                DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : null,
                metadata));
        }
        return new BlobPage(items, NullIfEmpty(root.Element("NextMarker")?.Value));
    }

    /// <summary>The same unquoted form as <c>Response.Headers.ETag</c>, whether the listing quotes it or not.</summary>
    private static ETag Unquoted(string etag) => new(etag.Trim('"'));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
