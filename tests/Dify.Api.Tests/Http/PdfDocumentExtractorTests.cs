using System.Text;
using System.Text.Json.Nodes;

namespace Dify.Api.Tests.Http;

/// <summary>
/// The document-extractor node reads an uploaded PDF through the local host's knowledge-library reader, over a real
/// host and workflow run: every page's text run together (Dify's "".join), and only with the PDFsharp license chosen.
/// </summary>
public sealed class PdfDocumentExtractorTests
{
    [Fact]
    public async Task A_pdf_is_read_page_after_page_once_the_license_is_chosen()
    {
        await using var api = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Knowledge:Ingestion:AcceptPdfSharpAgplLicense"] = "true" });
        var (_, key) = await api.ImportAsync("doc_extract.yml");
        var pdf = TwoPagePdf(["Torque for M8 bolts is 25 Nm.", "Check it monthly."], ["Second page starts here."]);
        var fileId = await UploadPdfAsync(api, key, "manual.pdf", pdf);

        var data = await RunAsync(api, key, fileId, 200);
        Assert.Equal("succeeded", data["status"]!.GetValue<string>());
        // Lines of a page end with a line break; pages follow each other with nothing between them, as in Dify.
        const string expected = "Torque for M8 bolts is 25 Nm.\nCheck it monthly.Second page starts here.";
        Assert.Equal(expected, data["outputs"]!["doc_text"]!.GetValue<string>());
        Assert.Equal(expected, data["outputs"]!["files_text"]![0]!.GetValue<string>());

        // A broken PDF is the node's text extraction error, naming the file.
        var brokenId = await UploadPdfAsync(api, key, "broken.pdf", Encoding.ASCII.GetBytes("%PDF-1.7 not really a pdf"));
        var broken = await RunAsync(api, key, brokenId, 200);
        Assert.Equal("failed", broken["status"]!.GetValue<string>());
        Assert.StartsWith("Failed to extract text from PDF:", broken["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("broken.pdf", broken["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_license_choice_a_pdf_is_an_unsupported_file_naming_the_settings()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("doc_extract.yml");
        var fileId = await UploadPdfAsync(api, key, "manual.pdf", TwoPagePdf(["Not read."], ["Not read either."]));

        var data = await RunAsync(api, key, fileId, 200);
        Assert.Equal("failed", data["status"]!.GetValue<string>());
        var error = data["error"]!.GetValue<string>();
        Assert.StartsWith("Unsupported file type: pdf (file 'manual.pdf')", error, StringComparison.Ordinal);
        Assert.Contains("Knowledge:Ingestion:AcceptPdfSharpAgplLicense=true", error, StringComparison.Ordinal);
        Assert.Contains("Knowledge:Ingestion:PdfSharpLicenseKey", error, StringComparison.Ordinal);
    }

    private static async Task<string> UploadPdfAsync(ApiHost api, string key, string name, byte[] pdf)
    {
        using var upload = await FileUploadTests.UploadAsync(api, key, name, pdf, "application/pdf");
        Assert.Equal(201, (int)upload.StatusCode);
        return (await ApiHost.JsonAsync(upload))["id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> RunAsync(ApiHost api, string key, string fileId, int status)
    {
        var file = new JsonObject { ["type"] = "document", ["transfer_method"] = "local_file", ["upload_file_id"] = fileId };
        var result = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject { ["doc"] = file },
            ["files"] = new JsonArray(file.DeepClone()),
            ["user"] = "alice",
        }, status);
        return result["data"]!;
    }

    /// <summary>A two-page PDF in Helvetica (a standard font: no font file), one text line per Tj, written with its cross-reference table.</summary>
    private static byte[] TwoPagePdf(string[] first, string[] second)
    {
        static string Content(string[] lines) =>
            "BT /F1 12 Tf 72 720 Td 16 TL " + string.Concat(lines.Select((l, i) => (i == 0 ? "" : "T* ") + "(" + l + ") Tj ")) + "ET";
        (string Dictionary, string? Stream)[] objects =
        [
            ("<< /Type /Catalog /Pages 2 0 R >>", null),
            ("<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>", null),
            ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> /Contents 4 0 R >>", null),
            ("", Content(first)),
            ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> /Contents 6 0 R >>", null),
            ("", Content(second)),
            ("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", null),
        ];
        using var output = new MemoryStream();
        void Write(string text) => output.Write(Encoding.Latin1.GetBytes(text));
        Write("%PDF-1.4\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(output.Position);
            var (dictionary, stream) = objects[i];
            Write(stream is null
                ? $"{i + 1} 0 obj\n{dictionary}\nendobj\n"
                : $"{i + 1} 0 obj\n<< /Length {Encoding.Latin1.GetByteCount(stream)} >>\nstream\n{stream}\nendstream\nendobj\n");
        }
        var xref = output.Position;
        Write($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) Write($"{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }
}
