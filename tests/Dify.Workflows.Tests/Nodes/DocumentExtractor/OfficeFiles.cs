using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Dify.Workflows.Tests.Nodes.DocumentExtractor;

/// <summary>Builds real docx/xlsx files with OpenXml for the extractor tests.</summary>
internal static class OfficeFiles
{
    public static byte[] Docx()
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(
                Paragraph("Title"),
                new W.Paragraph(new W.Run(new W.Text("Hello "), new W.TabChar(), new W.Text("world"), new W.Break(), new W.Text("next"))),
                new W.Table(
                    Row(Cell("Name"), Cell("Score")),
                    Row(Cell("Ada"), Cell("1", "2"))),
                new W.Table(Row(Cell(" "))), // empty: dropped
                Paragraph("End")));
        }
        return stream.ToArray();
    }

    private static W.Paragraph Paragraph(string text) => new(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
    private static W.TableRow Row(params W.TableCell[] cells) => new(cells);
    private static W.TableCell Cell(params string[] paragraphs) => new(paragraphs.Select(p => (OpenXmlElement)Paragraph(p)));

    public static byte[] Xlsx()
    {
        using var stream = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var shared = workbook.AddNewPart<SharedStringTablePart>();
            shared.SharedStringTable = new SharedStringTable(new SharedStringItem(new Text("City")), new SharedStringItem(new Text("Paris")));
            AddSheet(workbook, 1, "People", new SheetData(
                new Row(InlineCell("A1", "Name"), InlineCell("B1", "Age")) { RowIndex = 1 },
                new Row(InlineCell("A2", "Ada"), NumberCell("B2", "36")) { RowIndex = 2 },
                new Row() { RowIndex = 3 },
                new Row(InlineCell("A4", "Bob"), NumberCell("B4", "41.5")) { RowIndex = 4 }));
            AddSheet(workbook, 2, "Places", new SheetData(
                new Row(new Cell { CellReference = "A1", DataType = CellValues.SharedString, CellValue = new CellValue("0") }) { RowIndex = 1 },
                new Row(new Cell { CellReference = "A2", DataType = CellValues.SharedString, CellValue = new CellValue("1") }) { RowIndex = 2 }));
        }
        return stream.ToArray();
    }

    private static void AddSheet(WorkbookPart workbook, uint id, string name, SheetData data)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        part.Worksheet = new Worksheet(data);
        workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id, Name = name });
    }

    private static Cell InlineCell(string reference, string text) =>
        new() { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    private static Cell NumberCell(string reference, string value) => new() { CellReference = reference, CellValue = new CellValue(value) };
}
