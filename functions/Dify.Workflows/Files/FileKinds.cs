namespace Dify.Workflows.Files;

/// <summary>
/// Mime type / extension guesses and Dify's file "type" (image, document, audio, video, custom).
/// A small table on purpose: it covers what workflows exchange; anything else is octet-stream/custom.
/// </summary>
public static class FileKinds
{
    private static readonly Dictionary<string, string> MimeByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".md"] = "text/markdown", [".markdown"] = "text/markdown", [".mdx"] = "text/markdown",
        [".html"] = "text/html", [".htm"] = "text/html", [".xml"] = "text/xml", [".csv"] = "text/csv",
        [".json"] = "application/json", [".yaml"] = "application/x-yaml", [".yml"] = "application/x-yaml",
        [".pdf"] = "application/pdf", [".doc"] = "application/msword",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xls"] = "application/vnd.ms-excel",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".ppt"] = "application/vnd.ms-powerpoint",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".epub"] = "application/epub+zip", [".eml"] = "message/rfc822", [".msg"] = "application/vnd.ms-outlook",
        [".vtt"] = "text/vtt", [".properties"] = "text/properties",
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".gif"] = "image/gif",
        [".webp"] = "image/webp", [".svg"] = "image/svg+xml", [".bmp"] = "image/bmp", [".ico"] = "image/x-icon",
        [".mp3"] = "audio/mpeg", [".wav"] = "audio/wav", [".m4a"] = "audio/mp4", [".ogg"] = "audio/ogg", [".amr"] = "audio/amr",
        [".mp4"] = "video/mp4", [".mov"] = "video/quicktime", [".webm"] = "video/webm", [".mpeg"] = "video/mpeg",
        [".zip"] = "application/zip", [".gz"] = "application/gzip", [".bin"] = "application/octet-stream",
    };

    private static readonly Dictionary<string, string> ExtensionByMime = BuildExtensionByMime();

    private static Dictionary<string, string> BuildExtensionByMime()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (ext, mime) in MimeByExtension) map.TryAdd(mime, ext); // first extension listed wins (.jpg, .md...)
        return map;
    }

    private static readonly HashSet<string> DocumentExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".md", ".markdown", ".mdx", ".pdf", ".html", ".htm", ".xlsx", ".xls", ".doc", ".docx", ".csv",
        ".eml", ".msg", ".pptx", ".ppt", ".xml", ".epub", ".json", ".yaml", ".yml", ".vtt", ".properties",
    };

    /// <summary>".png" for "photo.png"; "" when there is none. Always lower case with the dot, like Dify's File.extension.</summary>
    public static string ExtensionOf(string? filename)
    {
        if (string.IsNullOrEmpty(filename)) return "";
        var ext = Path.GetExtension(filename);
        return ext.Length > 1 ? ext.ToLowerInvariant() : "";
    }

    /// <summary>Normalises "png"/".PNG" to ".png".</summary>
    public static string NormalizeExtension(string? extension) =>
        string.IsNullOrWhiteSpace(extension) ? "" : (extension.StartsWith('.') ? extension : "." + extension).ToLowerInvariant();

    public static string? GuessMimeType(string? filename) =>
        MimeByExtension.TryGetValue(ExtensionOf(filename), out var mime) ? mime : null;

    public static string? GuessExtension(string? mimeType) =>
        mimeType is not null && ExtensionByMime.TryGetValue(BareMime(mimeType), out var ext) ? ext : null;

    /// <summary>"text/html; charset=utf-8" → "text/html".</summary>
    public static string BareMime(string mimeType) => mimeType.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>Dify's FileType from the extension first, then the mime type.</summary>
    public static string TypeOf(string? extension, string? mimeType)
    {
        var ext = NormalizeExtension(extension);
        var mime = mimeType is null ? "" : BareMime(mimeType);
        if (mime.StartsWith("image/", StringComparison.Ordinal) || IsImageExtension(ext)) return "image";
        if (mime.StartsWith("audio/", StringComparison.Ordinal)) return "audio";
        if (mime.StartsWith("video/", StringComparison.Ordinal)) return "video";
        if (DocumentExtensions.Contains(ext)) return "document";
        if (mime.StartsWith("text/", StringComparison.Ordinal)) return "document";
        return "custom";
    }

    private static bool IsImageExtension(string ext) => ext is ".png" or ".jpg" or ".jpeg" or ".gif" or ".webp" or ".svg" or ".bmp";
}
