using Dify.Knowledge.Extraction;
using Dify.Knowledge.Extraction.Pdf;
using Dify.Workflows.Nodes.DocumentExtractor;

namespace Dify.Knowledge.Tests.Extraction;

/// <summary>The document-extractor node's PDF reader on real PDFs: Dify's page joining, formats it takes, license refusal.</summary>
public sealed class PdfDocumentTextExtractorTests
{
    private static readonly PdfDocumentTextExtractor Accepted = new(new PdfLicenseChoice(AcceptAgpl: true));

    [Fact]
    public async Task Pages_run_together_and_a_pdf_without_text_gives_empty_text_as_in_Dify()
    {
        using var document = PdfExtractionTests.OnePage("First page.");
        var second = document.AddPage();
        using (var gfx = PdfSharp.Drawing.XGraphics.FromPdfPage(second))
            gfx.DrawString("Second page.", new PdfSharp.Drawing.XFont("DejaVu Sans", 12), PdfSharp.Drawing.XBrushes.Black, new PdfSharp.Drawing.XPoint(72, 72));
        var pdf = PdfExtractionTests.Save(document);
        Assert.Equal("First page.Second page.", await Accepted.ExtractAsync("two.pdf", pdf, default));
        // The knowledge pipeline separates the same pages with a blank line; the node does not.
        Assert.Equal("First page.\n\nSecond page.", await PdfExtractionTests.ExtractAsync(pdf, "two.pdf"));

        // Dify's node returns "" for a scanned PDF (the pipeline refuses it): no text layer is not an error here.
        var scanned = MinimalPdf.Build(
            ("<< /Type /Catalog /Pages 2 0 R >>", null),
            ("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", null),
            ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>", null),
            ("", "q 100 0 0 100 72 600 cm /Im1 Do Q"),
            ("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\u00ff"));
        Assert.Equal("", await Accepted.ExtractAsync("scan.pdf", scanned, default));
    }

    [Fact]
    public async Task It_takes_pdf_by_extension_or_mime_and_refuses_without_a_license_choice()
    {
        Assert.True(Accepted.CanExtract(".pdf", null));
        Assert.True(Accepted.CanExtract(".PDF", "application/octet-stream"));
        Assert.True(Accepted.CanExtract("", "application/pdf; name=x"));
        Assert.False(Accepted.CanExtract(".docx", "application/pdf"));
        Assert.False(Accepted.CanExtract("", "text/plain"));

        using var document = PdfExtractionTests.OnePage("Licensed text.");
        var pdf = PdfExtractionTests.Save(document);
        foreach (var choice in new PdfLicenseChoice?[] { null, new PdfLicenseChoice() })
        {
            var refused = await Assert.ThrowsAsync<DocumentTextException>(() => new PdfDocumentTextExtractor(choice).ExtractAsync("a.pdf", pdf, default));
            Assert.Equal(DocumentTextFailure.Unsupported, refused.Failure);
            Assert.StartsWith("Unsupported file type: pdf (file 'a.pdf')", refused.Message, StringComparison.Ordinal);
        }
        var broken = await Assert.ThrowsAsync<DocumentTextException>(() => Accepted.ExtractAsync("b.pdf", "%PDF-1.7 junk"u8.ToArray(), default));
        Assert.Equal(DocumentTextFailure.ExtractionFailed, broken.Failure);
        Assert.Contains("b.pdf", broken.Message, StringComparison.Ordinal);
    }
}
