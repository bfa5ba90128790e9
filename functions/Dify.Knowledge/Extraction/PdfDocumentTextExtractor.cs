using Dify.Knowledge.Extraction.Pdf;
using Dify.Workflows.Nodes.DocumentExtractor;

namespace Dify.Knowledge.Extraction;

/// <summary>
/// The workflow document-extractor node's PDF reader: the same PDFsharp-based extraction that ingests PDF documents,
/// under the same license choice (<c>Knowledge:Ingestion:AcceptPdfSharpAgplLicense</c> or
/// <c>Knowledge:Ingestion:PdfSharpLicenseKey</c>). Without one a PDF is an unsupported file whose error names the
/// settings. The text is every page's text with nothing between pages, as Dify's node returns it.
/// </summary>
public sealed class PdfDocumentTextExtractor(PdfLicenseChoice? license) : IDocumentTextExtractor
{
    private const string PdfMime = "application/pdf";

    /// <summary>The reader under the license choice of the ingestion settings (section Knowledge:Ingestion).</summary>
    public static PdfDocumentTextExtractor For(Pipeline.IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(new PdfLicenseChoice(options.AcceptPdfSharpAgplLicense, options.PdfSharpLicenseKey));
    }

    public bool CanExtract(string extension, string? mimeType) => extension.Length > 0
        ? extension.Equals(".pdf", StringComparison.OrdinalIgnoreCase)
        : mimeType is not null && mimeType.Split(';')[0].Trim().Equals(PdfMime, StringComparison.OrdinalIgnoreCase);

    public Task<string> ExtractAsync(string filename, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        cancellationToken.ThrowIfCancellationRequested();
        if (license is null || !license.Chosen)
            throw new DocumentTextException($"Unsupported file type: pdf (file '{filename}'): {PdfLicense.Reason}", DocumentTextFailure.Unsupported);
        try
        {
            PdfLicense.Ensure(license, filename);
            return Task.FromResult(PdfText.Concatenated(content, filename));
        }
        catch (UnsupportedDocumentException e)
        {
            // Dify's wording for a PDF its reader rejects (corrupt, encrypted).
            throw new DocumentTextException($"Failed to extract text from PDF: {e.Message}", DocumentTextFailure.ExtractionFailed, e);
        }
    }
}
