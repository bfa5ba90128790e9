using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.DocumentExtractor;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;
using static Dify.Workflows.Tests.Nodes.Code.IoNodeHarness;

namespace Dify.Workflows.Tests.Nodes.DocumentExtractor;

public sealed class DocumentExtractorNodeTests : IDisposable
{
    private readonly TempStorage _files = new();
    private readonly DocumentExtractorNode _node;

    public DocumentExtractorNodeTests() => _node = new DocumentExtractorNode(_files.Storage);

    public void Dispose() => _files.Dispose();

    private static JsonObject Data() => new() { ["variable_selector"] = new JsonArray("start", "doc") };

    private async Task<NodeRunResult> ExtractAsync(JsonNode? value, DocumentExtractorNode? node = null)
    {
        var pool = new VariablePool();
        pool.Set("start", "doc", value);
        return await RunAsync(node ?? _node, Data(), pool);
    }

    private async Task<string> TextOfAsync(string name, string content, string? mime = null)
    {
        var result = await ExtractAsync(await _files.SaveTextAsync(name, content, mime));
        Assert.True(result.Status == NodeRunStatus.Succeeded, result.Error);
        return result.Outputs["text"]!.GetValue<string>();
    }

    [Theory]
    [InlineData("notes.txt", "plain\ntext ünïcode")]
    [InlineData("readme.md", "# Title\n\n- item")]
    [InlineData("config.yaml", "a: 1\nb: [x, y]\n")]
    [InlineData("config.yml", "k: v\n")]
    [InlineData("mail.eml", "From: a@b.c\nSubject: Hi\n\nBody")]
    [InlineData("main.py", "print('x')\n")]
    public async Task Text_formats_come_back_as_written(string name, string content)
    {
        Assert.Equal(content, await TextOfAsync(name, content));
    }

    [Fact]
    public async Task Latin1_text_is_decoded_when_it_is_not_utf8()
    {
        var result = await ExtractAsync(await _files.SaveAsync("old.txt", "text/plain", [0x63, 0x61, 0x66, 0xE9]));

        Assert.Equal("café", result.Outputs["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Html_gives_visible_text()
    {
        const string html = "<html><head><title>T</title><style>p{color:red}</style></head><body><h1>Head&amp;line</h1>"
            + "<p>First <b>bold</b>   para</p><script>alert(1)</script><ul><li>one</li><li>two</li></ul><!-- hidden --></body></html>";

        Assert.Equal("Head&line\n\nFirst bold para\n\none\n\ntwo", await TextOfAsync("page.html", html));
    }

    [Fact]
    public async Task Html_raw_markup_is_available_as_in_dify()
    {
        var node = new DocumentExtractorNode(_files.Storage, new DocumentExtractorOptions { HtmlVisibleText = false });

        var result = await ExtractAsync(await _files.SaveTextAsync("page.htm", "<p>x</p>"), node);

        Assert.Equal("<p>x</p>", result.Outputs["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Csv_becomes_a_markdown_table_like_dify()
    {
        const string csv = "name,note\r\nAda,\"says \"\"hi\"\", twice\"\r\nBob,\"two\nlines\"\r\n";

        Assert.Equal("| name | note |\n| ---- | ---- |\n| Ada | says \"hi\", twice |\n| Bob | two lines |\n", await TextOfAsync("t.csv", csv));
    }

    [Fact]
    public async Task Json_is_pretty_printed()
    {
        Assert.Equal("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"é\": \"ü\"\n}", await TextOfAsync("d.json", "{\"a\":[1,2],\"é\":\"ü\"}"));
    }

    [Fact]
    public async Task Broken_json_fails()
    {
        var result = await ExtractAsync(await _files.SaveTextAsync("d.json", "{nope"));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.StartsWith("Failed to decode or parse JSON file:", result.Error);
    }

    [Fact]
    public async Task Properties_are_formatted_as_key_value_lines()
    {
        Assert.Equal("# c\na: 1\nb: two\nc: x=y\nflag: ", await TextOfAsync("app.properties", "# c\na=1\n b : two\nc=x=y\nflag\n"));
    }

    [Fact]
    public async Task Docx_gives_paragraphs_and_tables()
    {
        var result = await ExtractAsync(await _files.SaveAsync("report.docx", null, OfficeFiles.Docx()));

        Assert.Equal(
            "Title\nHello \tworld\nnext\n| Name | Score |\n| --- | --- |\n| Ada | 1<br>2 |\n\nEnd",
            result.Outputs["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xlsx_gives_one_markdown_table_per_sheet()
    {
        var result = await ExtractAsync(await _files.SaveAsync("book.xlsx", null, OfficeFiles.Xlsx()));

        Assert.Equal(
            "| Name | Age |\n| ---- | --- |\n| Ada | 36 |\n| Bob | 41.5 |\n\n| City |\n| ---- |\n| Paris |\n\n",
            result.Outputs["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Corrupt_docx_fails_with_a_message()
    {
        var result = await ExtractAsync(await _files.SaveTextAsync("bad.docx", "not a zip"));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.StartsWith("Failed to extract text from DOCX:", result.Error);
    }

    [Fact]
    public async Task Array_of_files_gives_array_of_texts()
    {
        var a = await _files.SaveTextAsync("a.txt", "A");
        var b = await _files.SaveTextAsync("b.md", "B");

        var result = await ExtractAsync(new JsonArray(a, null, b));

        Assert.Equal(NodeRunStatus.Succeeded, result.Status);
        Assert.Equal("[\"A\",\"B\"]", result.Outputs["text"]!.ToJsonString());
        Assert.Equal("[\"start\",\"doc\"]", result.Inputs!["variable_selector"]!.ToJsonString());
        Assert.Equal(2, result.ProcessData!["documents"]!.AsArray().Count);
    }

    [Fact]
    public async Task Empty_array_gives_empty_text_array()
    {
        var result = await ExtractAsync(new JsonArray());

        Assert.Equal("[]", result.Outputs["text"]!.ToJsonString());
    }

    [Fact]
    public async Task Mime_type_is_used_when_there_is_no_extension()
    {
        var file = await _files.SaveTextAsync("noext", "a,b\n1,2", "text/csv");
        file["extension"] = "";

        var result = await ExtractAsync(file);

        Assert.Equal("| a | b |\n| - | - |\n| 1 | 2 |\n", result.Outputs["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pdf_fails_clearly()
    {
        var result = await ExtractAsync(await _files.SaveAsync("paper.pdf", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4")));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal("UnsupportedFileTypeError", result.ErrorType);
        Assert.StartsWith("Unsupported file type: pdf (file 'paper.pdf')", result.Error);
    }

    [Fact]
    public async Task Unknown_type_fails_naming_file_and_type()
    {
        var result = await ExtractAsync(await _files.SaveTextAsync("blob.xyz", "?"));

        Assert.Equal("UnsupportedFileTypeError", result.ErrorType);
        Assert.Equal("Unsupported Extension Type: .xyz (file 'blob.xyz')", result.Error);
    }

    [Fact]
    public async Task Missing_variable_and_non_file_values_fail()
    {
        var missing = await RunAsync(_node, Data());
        var notFile = await ExtractAsync("just text");

        Assert.Equal("File variable not found for selector: start.doc", missing.Error);
        Assert.Equal("Variable start.doc is not an ArrayFileSegment", notFile.Error);
    }

    [Fact]
    public async Task File_missing_from_storage_fails()
    {
        var ghost = FileValue.Create("document", "local_file", "gone.txt", ".txt", "text/plain", 1, relatedId: Guid.NewGuid().ToString());

        var result = await ExtractAsync(ghost);

        Assert.Equal("FileDownloadError", result.ErrorType);
        Assert.Contains("gone.txt", result.Error);
    }

    [Fact]
    public void Variable_selector_is_required()
    {
        Assert.Contains(Problems(_node, new JsonObject()), p => p.Field == "variable_selector");
    }
}
