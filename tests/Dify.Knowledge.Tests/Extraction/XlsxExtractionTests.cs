using Dify.Knowledge.Extraction;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml;

namespace Dify.Knowledge.Tests.Extraction;

/// <summary>XLSX in datasets reads like the document-extractor node: one markdown table per sheet.</summary>
public sealed class XlsxExtractionTests
{
    [Fact]
    public async Task A_real_workbook_becomes_markdown_tables_and_a_broken_one_an_error_naming_it()
    {
        using var reader = await DocumentText.OpenAsync("parts.xlsx", new MemoryStream(Workbook()), 1 << 20, default);
        var text = await reader.ReadToEndAsync();
        Assert.Contains("| Part | Torque |", text);
        Assert.Contains("| M8 bolt | 25 |", text);

        var error = await Assert.ThrowsAsync<UnsupportedDocumentException>(() => DocumentText.OpenAsync("broken.xlsx", new MemoryStream("not a zip"u8.ToArray()), 1 << 20, default));
        Assert.Contains("broken.xlsx", error.Message);
    }

    private static byte[] Workbook()
    {
        using var stream = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var part = workbook.AddNewPart<WorksheetPart>();
            part.Worksheet = new Worksheet(new SheetData(
                new Row(Text("A1", "Part"), Text("B1", "Torque")) { RowIndex = 1 },
                new Row(Text("A2", "M8 bolt"), new Cell { CellReference = "B2", CellValue = new CellValue("25") }) { RowIndex = 2 }));
            workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = 1, Name = "Torques" });
        }
        return stream.ToArray();
    }

    private static Cell Text(string reference, string text) =>
        new() { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(text)) };
}
