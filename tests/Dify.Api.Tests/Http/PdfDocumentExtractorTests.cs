using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing.Documents;

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
        var pdf = TextPdf.Build(["Torque for M8 bolts is 25 Nm.", "Check it monthly."], ["Second page starts here."]);
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
        var fileId = await UploadPdfAsync(api, key, "manual.pdf", TextPdf.Build(["Not read."], ["Not read either."]));

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
}
