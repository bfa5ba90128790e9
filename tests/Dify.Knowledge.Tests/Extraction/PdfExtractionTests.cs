using System.Text;
using Dify.Knowledge.Extraction;
using Dify.Knowledge.Extraction.Pdf;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Workflows.Knowledge;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Dify.Knowledge.Tests.Extraction;

/// <summary>PDF text extraction on real PDFs: written by PDFsharp (TrueType, Identity-H + ToUnicode) and by hand (Type1 WinAnsi, Differences, TJ kerning, CMaps).</summary>
public sealed class PdfExtractionTests
{
    private const string FontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    static PdfExtractionTests() => UsePdfSharp();

    /// <summary>PDFsharp's font resolver and license are process-wide; tests install this resolver and accept the AGPL (tests are not distributed).</summary>
    internal static void UsePdfSharp()
    {
        GlobalFontSettings.FontResolver ??= new DejaVuResolver();
        PdfSharpLicense.SetAgplLicense();
    }

    [Fact]
    public async Task Text_drawn_by_pdfsharp_comes_back_line_by_line_and_page_by_page()
    {
        string[][] pages =
        [
            ["Torque for M8 bolts is 25 Nm.", "Größe und Gewicht: 3,5 kg — geprüft ✓", "Replace the coolant filter every 500 hours."],
            ["Second page starts here.", "Emergency stops are tested weekly."],
        ];
        using var document = new PdfDocument();
        var font = new XFont("DejaVu Sans", 12);
        foreach (var lines in pages)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            for (var i = 0; i < lines.Length; i++) gfx.DrawString(lines[i], font, XBrushes.Black, new XPoint(72, 72 + i * 20));
        }

        var text = await ExtractAsync(Save(document), "manual.pdf");
        Assert.Equal(string.Join("\n\n", pages.Select(lines => string.Join('\n', lines))), text);
    }

    [Fact]
    public async Task Hand_written_fonts_encodings_kerning_and_cmaps_decode()
    {
        const string content = """
            BT
            /F1 12 Tf
            72 720 Td
            [(Hel) 20 (lo) -300 (W) 80 (orld)] TJ
            0 -16 Td
            (Caf\351 cr\350me) Tj
            14 TL
            T*
            (Tab) Tj
            24 0 Td
            (after gap) Tj
            /F2 12 Tf
            0 -30 Td
            (\001\002) Tj
            /F3 12 Tf
            0 -16 Td
            <00010002000300040005> Tj
            ET
            """;
        const string cmap = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange
            2 beginbfrange
            <0001> <0003> <0041>
            <0005> <0005> [<00E9>]
            endbfrange
            1 beginbfchar
            <0004> <00660069>
            endbfchar
            endcmap
            CMapName currentdict /CMap defineresource pop
            end
            end
            """;
        var pdf = MinimalPdf.Build(
            ("<< /Type /Catalog /Pages 2 0 R >>", null),
            ("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", null),
            ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 8 0 R >> >> /Contents 4 0 R >>", null),
            ("", content),
            ("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", null),
            ("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /eacute /germandbls] >> >>", null),
            ("", cmap),
            ("<< /Type /Font /Subtype /Type0 /BaseFont /Custom /Encoding /Identity-H /DescendantFonts [9 0 R] /ToUnicode 7 0 R >>", null),
            ("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Custom /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>", null));

        var text = await ExtractAsync(pdf, "hand.pdf");
        Assert.Equal("Hello World\nCafé crème\nTab after gap\néß\nABCfié", text);
    }

    [Fact]
    public async Task A_password_protected_pdf_is_refused_by_name_and_an_owner_password_alone_is_read()
    {
        using var locked = OnePage("Secret plans.");
        locked.SecuritySettings.UserPassword = "user";
        locked.SecuritySettings.OwnerPassword = "owner";
        var error = await Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(Save(locked), "secret.pdf"));
        Assert.Contains("encrypted", error.Message);
        Assert.Contains("secret.pdf", error.Message);

        using var restricted = OnePage("Readable with no password.");
        restricted.SecuritySettings.OwnerPassword = "owner";
        Assert.Equal("Readable with no password.", await ExtractAsync(Save(restricted), "restricted.pdf"));
    }

    [Fact]
    public async Task A_scanned_pdf_with_only_images_is_reported_and_garbage_is_an_error()
    {
        var pdf = MinimalPdf.Build(
            ("<< /Type /Catalog /Pages 2 0 R >>", null),
            ("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", null),
            ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>", null),
            ("", "q 100 0 0 100 72 600 cm /Im1 Do Q"),
            ("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\u00ff"));
        var scanned = await Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(pdf, "scan.pdf"));
        Assert.Contains("scan.pdf", scanned.Message);
        Assert.Contains("no text layer", scanned.Message);

        var garbage = await Assert.ThrowsAsync<UnsupportedDocumentException>(() => ExtractAsync(Encoding.ASCII.GetBytes("%PDF-1.7 not really"), "broken.pdf"));
        Assert.Contains("broken.pdf", garbage.Message);
    }

    [Fact]
    public async Task Pages_are_extracted_as_the_reader_is_consumed()
    {
        using var document = new PdfDocument();
        var font = new XFont("DejaVu Sans", 12);
        for (var p = 1; p <= 30; p++)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawString($"Page {p} text.", font, XBrushes.Black, new XPoint(72, 72));
        }
        using var reader = await DocumentText.OpenAsync("long.pdf", new MemoryStream(Save(document)), 1 << 20, default, new PdfLicenseChoice(AcceptAgpl: true));
        var buffer = new char[64];
        var first = reader.Read(buffer, 0, buffer.Length);
        Assert.Equal("Page 1 text.", new string(buffer, 0, first)); // one page's text per fill, not the whole document
        Assert.Equal(string.Join("\n\n", Enumerable.Range(2, 29).Select(p => $"Page {p} text.")), (await reader.ReadToEndAsync()).TrimStart('\n'));
    }

    [Fact]
    public async Task Ingesting_a_pdf_makes_it_searchable_and_without_the_license_choice_it_fails_saying_why()
    {
        using var manual = OnePage("Tighten the spindle clamp to 40 Nm before each shift.");
        var bytes = Save(manual);
        await using var k = await KnowledgeHarness.StartAsync(new Dify.Knowledge.Embedding.HashingEmbeddingModel(), new IngestionOptions { AcceptPdfSharpAgplLicense = true });
        await k.CreateDatasetAsync("ds", "embedded", "hashing-384");
        var done = await k.Ingestor.IngestAsync("ds", "manual", "manual.pdf", new MemoryStream(bytes), ProcessRule.Automatic, default);
        Assert.Equal(DocumentStatus.Completed, done.Status);
        var hit = Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "spindle clamp", 4, SearchMethod.Hybrid), default));
        Assert.Equal("Tighten the spindle clamp to 40 Nm before each shift.", hit.Content);

        // Without a license choice the document ends in error, saying why and how to choose.
        await using var refusing = await KnowledgeHarness.StartAsync(new Dify.Knowledge.Embedding.HashingEmbeddingModel());
        await refusing.CreateDatasetAsync("ds", "embedded", "hashing-384");
        var refused = await refusing.Ingestor.IngestAsync("ds", "manual", "manual.pdf", new MemoryStream(bytes), ProcessRule.Automatic, default);
        Assert.Equal(DocumentStatus.Error, refused.Status);
        Assert.Contains("'manual.pdf'", refused.Error);
        Assert.Contains("AcceptPdfSharpAgplLicense", refused.Error);
    }

    internal static async Task<string> ExtractAsync(byte[] pdf, string name)
    {
        using var reader = await DocumentText.OpenAsync(name, new MemoryStream(pdf), 1 << 24, default, new PdfLicenseChoice(AcceptAgpl: true));
        return await reader.ReadToEndAsync();
    }

    internal static PdfDocument OnePage(string line)
    {
        UsePdfSharp();
        var document = new PdfDocument();
        var page = document.AddPage();
        using var gfx = XGraphics.FromPdfPage(page);
        gfx.DrawString(line, new XFont("DejaVu Sans", 12), XBrushes.Black, new XPoint(72, 72));
        return document;
    }

    internal static byte[] Save(PdfDocument document)
    {
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>Every family resolves to DejaVu Sans from the system's fonts (Debian: fonts-dejavu-core).</summary>
    private sealed class DejaVuResolver : IFontResolver
    {
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new("DejaVuSans");

        public byte[] GetFont(string faceName) => File.Exists(FontFile)
            ? File.ReadAllBytes(FontFile)
            : throw new FileNotFoundException($"The PDF tests draw text in DejaVu Sans: install fonts-dejavu-core ({FontFile}).");
    }
}
