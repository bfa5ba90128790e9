using System.Globalization;
using Azure;
using Azure.Core;

namespace Dify.Storage.Azure.Blobs;

/// <summary>Writes conditions and metadata onto requests; reads properties and metadata from responses.</summary>
internal static class BlobHeaders
{
    private const string MetaPrefix = "x-ms-meta-";

    public static void ApplyConditions(Request request, BlobConditions? conditions)
    {
        if (conditions is null) return;
        if (conditions.IfMatch is { } ifMatch) request.Headers.SetValue("If-Match", ifMatch.ToString("H"));
        if (conditions.IfNoneMatch is { } ifNoneMatch) request.Headers.SetValue("If-None-Match", ifNoneMatch.ToString("H"));
        if (conditions.IfModifiedSince is { } since) request.Headers.SetValue("If-Modified-Since", since.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
        if (conditions.IfUnmodifiedSince is { } until) request.Headers.SetValue("If-Unmodified-Since", until.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture));
    }

    public static void ApplyMetadata(Request request, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null) return;
        foreach (var (name, value) in metadata)
        {
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException($"Metadata name '{name}' must be a C# identifier (ASCII letters, digits, '_').", nameof(metadata));
            }
            if (!value.All(c => c is >= ' ' and <= '~'))
            {
                throw new ArgumentException($"Metadata value of '{name}' must be printable ASCII.", nameof(metadata));
            }
            request.Headers.SetValue(MetaPrefix + name, value);
        }
    }

    public static BlobWriteResult ReadWriteResult(Response response) =>
        new(response.Headers.ETag ?? default, LastModified(response));

    public static BlobProperties ReadProperties(Response response)
    {
        long length = response.Headers.ContentLength ?? 0;
        // A ranged read reports the whole size after the slash: "bytes 0-9/1234".
        if (response.Headers.TryGetValue("Content-Range", out var range))
        {
            var slash = range.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
            {
                length = total;
            }
        }
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name[MetaPrefix.Length..]] = header.Value;
            }
        }
        response.Headers.TryGetValue("Content-Type", out var contentType);
        return new BlobProperties(length, contentType, response.Headers.ETag ?? default, LastModified(response), metadata);
    }

    private static DateTimeOffset? LastModified(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
}
