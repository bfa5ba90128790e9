using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>
/// Picks an extractor by extension first, then by mime type (Dify's order). Formats Dify reads
/// with Python-only libraries (pdf, doc, ppt, pptx, epub, odt, msg, xls) fail with a clear message.
/// </summary>
internal sealed class TextExtractors(DocumentExtractorOptions options)
{
    private static readonly HashSet<string> PlainTextExtensions =
    [
        ".txt", ".markdown", ".md", ".mdx", ".xml", ".c", ".h", ".cpp", ".hpp", ".cc", ".cxx", ".c++", ".py", ".js", ".ts",
        ".jsx", ".tsx", ".java", ".php", ".rb", ".go", ".rs", ".swift", ".kt", ".scala", ".sh", ".bash", ".bat", ".ps1", ".sql",
        ".r", ".m", ".pl", ".lua", ".vim", ".asm", ".s", ".css", ".scss", ".less", ".sass", ".ini", ".cfg", ".conf", ".toml",
        ".env", ".log", ".vtt", ".yaml", ".yml", ".eml",
    ];

    private static readonly HashSet<string> PlainTextMimeTypes =
        ["text/plain", "text/markdown", "text/xml", "text/vtt", "application/x-yaml", "text/yaml", "message/rfc822"];

    private static readonly Dictionary<string, string> UnsupportedByExtension = new()
    {
        [".pdf"] = "pdf", [".doc"] = "doc", [".ppt"] = "ppt", [".pptx"] = "pptx", [".epub"] = "epub",
        [".odt"] = "odt", [".msg"] = "msg", [".xls"] = "xls",
    };

    private static readonly Dictionary<string, string> UnsupportedByMime = new()
    {
        ["application/pdf"] = "pdf", ["application/msword"] = "doc", ["application/vnd.ms-powerpoint"] = "ppt",
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"] = "pptx",
        ["application/epub+zip"] = "epub", ["application/vnd.oasis.opendocument.text"] = "odt",
        ["application/vnd.ms-outlook"] = "msg", ["application/vnd.ms-excel"] = "xls",
    };

    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when this engine reads the format itself (extension first, then mime type, as <see cref="Choose"/>).</summary>
    public bool Handles(string extension, string? mimeType) => extension.Length > 0
        ? ByExtension(extension) is not null
        : !string.IsNullOrEmpty(mimeType) && ByMime(Files.FileKinds.BareMime(mimeType)) is not null;

    /// <summary>The extractor for a file, or a failure message naming the file and its type.</summary>
    public Func<byte[], string> Choose(string filename, string extension, string? mimeType)
    {
        if (extension.Length > 0)
        {
            if (ByExtension(extension) is { } extractor) return extractor;
            if (UnsupportedByExtension.TryGetValue(extension, out var kind)) throw Unsupported(kind, filename);
            throw new NodeExecutionException($"Unsupported Extension Type: {extension} (file '{filename}')", "UnsupportedFileTypeError");
        }
        if (!string.IsNullOrEmpty(mimeType))
        {
            var mime = Files.FileKinds.BareMime(mimeType);
            if (ByMime(mime) is { } extractor) return extractor;
            if (UnsupportedByMime.TryGetValue(mime, out var kind)) throw Unsupported(kind, filename);
            throw new NodeExecutionException($"Unsupported MIME type: {mime} (file '{filename}')", "UnsupportedFileTypeError");
        }
        throw new NodeExecutionException($"Unable to determine file type of '{filename}': MIME type or file extension is missing", "UnsupportedFileTypeError");
    }

    private static NodeExecutionException Unsupported(string kind, string filename) =>
        new($"Unsupported file type: {kind} (file '{filename}'): text extraction for {kind} files is not available in this engine", "UnsupportedFileTypeError");

    private Func<byte[], string>? ByExtension(string extension) => extension switch
    {
        ".html" or ".htm" => Html,
        ".json" => Json,
        ".csv" => CsvText.Extract,
        ".docx" => Docx,
        ".xlsx" => Xlsx,
        ".properties" => PropertiesText.Extract,
        _ when PlainTextExtensions.Contains(extension) => TextDecoding.Decode,
        _ => null,
    };

    private Func<byte[], string>? ByMime(string mime) => mime switch
    {
        "text/html" or "text/htm" => Html,
        "application/json" => Json,
        "text/csv" => CsvText.Extract,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Docx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Xlsx,
        "text/properties" => PropertiesText.Extract,
        _ when PlainTextMimeTypes.Contains(mime) => TextDecoding.Decode,
        _ => null,
    };

    private string Html(byte[] bytes) => options.HtmlVisibleText ? HtmlText.Extract(bytes) : TextDecoding.Decode(bytes);

    /// <summary>Re-indented with 2 spaces, non-ASCII kept (json.dumps(indent=2, ensure_ascii=False)).</summary>
    private static string Json(byte[] bytes)
    {
        try
        {
            var node = JsonNode.Parse(TextDecoding.Decode(bytes));
            return node?.ToJsonString(PrettyJson) ?? "null";
        }
        catch (JsonException e)
        {
            throw new NodeExecutionException($"Failed to decode or parse JSON file: {e.Message}", "TextExtractionError");
        }
    }

    private static string Docx(byte[] bytes) => Guard("DOCX", () => DocxText.Extract(bytes));
    private static string Xlsx(byte[] bytes) => Guard("Excel file", () => XlsxText.Extract(bytes));

    /// <summary>A corrupt office file is the user's problem, reported like Dify ("Failed to extract text from DOCX: ...").</summary>
    private static string Guard(string kind, Func<string> extract)
    {
        try
        {
            return extract();
        }
        catch (Exception e) when (e is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or System.IO.InvalidDataException
                                      or System.Xml.XmlException or FileFormatException or IOException)
        {
            throw new NodeExecutionException($"Failed to extract text from {kind}: {e.Message}", "TextExtractionError");
        }
    }
}
