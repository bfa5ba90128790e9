using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Dify.Storage.Tests.Azurite;
using Dify.Testing.Documents;
using static Dify.Cloud.Tests.CloudHttp;

namespace Dify.Cloud.Tests;

/// <summary>
/// The Azure composition (AddDifyCloud over Azurite) gives the document-extractor node the knowledge library's PDF
/// reader under the Knowledge:Ingestion license settings: a PDF upload read from Blob storage by a run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PdfDocumentExtractorTests(AzuriteFixture azurite)
{
    private const string App = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: pdf-reader, description: Reads a PDF}
        workflow:
          graph:
            nodes:
            - id: start
              data:
                type: start
                title: Start
                variables:
                - {variable: doc, label: doc, type: file, required: true, allowed_file_types: [document], allowed_file_upload_methods: [local_file]}
            - id: read
              data: {type: document-extractor, title: Read, variable_selector: [start, doc]}
            - id: end
              data:
                type: end
                title: End
                outputs:
                - {variable: text, value_selector: [read, text]}
            edges:
            - {source: start, target: read}
            - {source: read, target: end}
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_pdf_upload_is_read_only_with_the_license_choice(bool accepted)
    {
        var settings = new Dictionary<string, string?> { ["Knowledge:Ingestion:AcceptPdfSharpAgplLicense"] = accepted ? "true" : "false" };
        await using var cloud = await CloudHarness.StartAsync(azurite, settings);
        var (_, key) = await ImportAsync(cloud.Http, App);

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(TextPdf.Build(["Page one."], ["Page two."]));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "manual.pdf");
        form.Add(new StringContent("alice"), "user");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/files/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var upload = await cloud.Http.SendAsync(request);
        var uploaded = JsonNode.Parse(await upload.Content.ReadAsStringAsync())!;
        Assert.True(upload.StatusCode == HttpStatusCode.Created, uploaded.ToJsonString());

        var run = await SendAsync(cloud.Http, HttpMethod.Post, "v1/workflows/run", key, new JsonObject
        {
            ["inputs"] = new JsonObject
            {
                ["doc"] = new JsonObject { ["type"] = "document", ["transfer_method"] = "local_file", ["upload_file_id"] = uploaded["id"]!.GetValue<string>() },
            },
            ["response_mode"] = "blocking",
            ["user"] = "alice",
        });
        var data = run["data"]!;
        if (accepted)
        {
            Assert.True(data["status"]!.GetValue<string>() == "succeeded", data.ToJsonString());
            Assert.Equal("Page one.Page two.", data["outputs"]!["text"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal("failed", data["status"]!.GetValue<string>());
            Assert.StartsWith("Unsupported file type: pdf (file 'manual.pdf')", data["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("Knowledge:Ingestion:AcceptPdfSharpAgplLicense=true", data["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
