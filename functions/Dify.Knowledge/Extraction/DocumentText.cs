using System.Text;
using Dify.Workflows.Nodes.DocumentExtractor;
using DocumentFormat.OpenXml.Packaging;

namespace Dify.Knowledge.Extraction;

/// <summary>A file type the engine cannot read (the document ends in error with this message).</summary>
public sealed class UnsupportedDocumentException(string message) : Exception(message);

/// <summary>
/// Opens a document's text by file extension. Plain-text formats stream (any size, BOM-detected, UTF-8 default);
/// HTML, DOCX, XLSX and PDF are read whole (up to a limit) and converted; PDF text comes a page at a time
/// (<see cref="Pdf.PdfText"/>: PDFsharp's object model and our content-stream interpreter). The other binary
/// office formats are not supported. HTML, DOCX and XLSX use the workflow engine's document-extractor code, so a
/// document reads the same in a workflow and in a dataset.
/// </summary>
public static class DocumentText
{
    private static readonly HashSet<string> PlainText = new(StringComparer.OrdinalIgnoreCase)
    {
        ".txt", ".text", ".md", ".markdown", ".mdx", ".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml", ".xml", ".log",
        ".vtt", ".srt", ".ini", ".cfg", ".conf", ".toml", ".properties", ".sql", ".py", ".js", ".ts", ".cs", ".java",
        ".go", ".rs", ".c", ".h", ".cpp", ".sh", ".css", ".rst", ".tex", ".eml",
    };

    private static readonly HashSet<string> Unsupported = new(StringComparer.OrdinalIgnoreCase)
    {
        ".doc", ".ppt", ".pptx", ".xls", ".epub", ".odt", ".msg", ".rtf",
    };

    /// <summary>True when <see cref="OpenAsync"/> can read a file of this name (by extension; none means plain text).</summary>
    public static bool IsSupported(string name)
    {
        var extension = Path.GetExtension(name);
        return extension.Length == 0 || PlainText.Contains(extension)
            || extension.Equals(".html", StringComparison.OrdinalIgnoreCase) || extension.Equals(".htm", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".docx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".pdf", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A reader over the document's text. The stream is read lazily for plain text (the caller disposes the reader).</summary>
    /// <param name="pdfLicense">How PDF extraction may run PDFsharp (see <see cref="Pdf.PdfLicense"/>); null: a PDF fails with a message saying so.</param>
    public static async Task<TextReader> OpenAsync(string name, Stream content, long maxConvertedBytes, CancellationToken cancellationToken, Pdf.PdfLicenseChoice? pdfLicense = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var extension = Path.GetExtension(name);
        if (PlainText.Contains(extension) || extension.Length == 0)
            return new StreamReader(content, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        if (Unsupported.Contains(extension))
            throw new UnsupportedDocumentException($"Unsupported file type: {extension.TrimStart('.')} (file '{name}'): text extraction for {extension.TrimStart('.')} files is not available in this engine.");

        if (extension.Equals(".html", StringComparison.OrdinalIgnoreCase) || extension.Equals(".htm", StringComparison.OrdinalIgnoreCase))
            return new StringReader(Html(await ReadAllAsync(content, maxConvertedBytes, name, cancellationToken).ConfigureAwait(false)));
        if (extension.Equals(".docx", StringComparison.OrdinalIgnoreCase))
            return new StringReader(Docx(await ReadAllAsync(content, maxConvertedBytes, name, cancellationToken).ConfigureAwait(false), name));
        if (extension.Equals(".xlsx", StringComparison.OrdinalIgnoreCase))
            return new StringReader(Xlsx(await ReadAllAsync(content, maxConvertedBytes, name, cancellationToken).ConfigureAwait(false), name));
        if (extension.Equals(".pdf", StringComparison.OrdinalIgnoreCase))
        {
            Pdf.PdfLicense.Ensure(pdfLicense, name);
            return Pdf.PdfText.Open(await ReadAllAsync(content, maxConvertedBytes, name, cancellationToken).ConfigureAwait(false), name);
        }
        throw new UnsupportedDocumentException($"Unsupported file type: {extension} (file '{name}').");
    }

    // The document-extractor node's extractors, so a document reads the same in a workflow and in a dataset.
    private static string Html(byte[] bytes) => HtmlText.Extract(bytes);

    private static string Docx(byte[] bytes, string name)
    {
        try
        {
            return DocxText.Extract(bytes);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or FileFormatException)
        {
            throw new UnsupportedDocumentException($"Failed to extract text from DOCX '{name}': {e.Message}");
        }
    }

    private static string Xlsx(byte[] bytes, string name)
    {
        try
        {
            return XlsxText.Extract(bytes);
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or System.Xml.XmlException or FileFormatException)
        {
            throw new UnsupportedDocumentException($"Failed to extract text from XLSX '{name}': {e.Message}");
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream content, long max, string name, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max) throw new UnsupportedDocumentException($"'{name}' is larger than {max} bytes, the limit for converted formats.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
