using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Files;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>A response read within its size limit, classified as text or file like Dify's Response.is_file.</summary>
internal sealed class HttpResponseData
{
    private static readonly string[] TextApplicationTypes = ["json", "xml", "javascript", "x-www-form-urlencoded", "yaml", "graphql"];
    private static readonly byte[][] TextMarkers = [.. new[] { "{", "[", "<", "function", "var ", "const ", "let " }.Select(Encoding.ASCII.GetBytes)];

    public required int StatusCode { get; init; }
    /// <summary>Lower-case names, repeated headers joined with ", " (httpx's dict(response.headers)).</summary>
    public required JsonObject Headers { get; init; }
    public required byte[] Content { get; init; }
    public required bool IsFile { get; init; }
    public string ContentType { get; init; } = "";
    public string? DispositionFilename { get; init; }

    public string Text()
    {
        var charset = CharsetOf(ContentType);
        Encoding encoding;
        try { encoding = charset is null ? Encoding.UTF8 : Encoding.GetEncoding(charset); }
        catch (ArgumentException) { encoding = Encoding.UTF8; }
        return encoding.GetString(Content);
    }

    private static string? CharsetOf(string contentType)
    {
        foreach (var part in contentType.Split(';').Skip(1))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)) return kv[1].Trim().Trim('"');
        }
        return null;
    }

    /// <summary>
    /// Dify's rules: an attachment (or any disposition filename) is a file; text/* (but csv) is text;
    /// application/* naming a text format, or whose first KiB is UTF-8 with a JSON/XML/JS marker, is text;
    /// otherwise a known mime type is a file when its main type is application, image, audio or video.
    /// </summary>
    public static bool JudgeIsFile(string contentType, bool dispositionMarksFile, ReadOnlySpan<byte> sample)
    {
        if (dispositionMarksFile) return true;
        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (type.StartsWith("text/", StringComparison.Ordinal) && !type.Contains("csv")) return false;
        if (type.StartsWith("application/", StringComparison.Ordinal)
            && (TextApplicationTypes.Any(t => type.Contains(t, StringComparison.Ordinal)) || LooksLikeUtf8Text(sample)))
            return false;
        if (type.Length > 0 && FileKinds.GuessExtension(type) is not null)
            return type.Split('/')[0] is "application" or "image" or "audio" or "video";
        return type.Contains("image/") || type.Contains("audio/") || type.Contains("video/");
    }

    private static bool LooksLikeUtf8Text(ReadOnlySpan<byte> sample)
    {
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(sample);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        foreach (var marker in TextMarkers)
            if (sample.IndexOf(marker) >= 0) return true;
        return false;
    }
}
