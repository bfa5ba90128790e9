using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>
/// xlsx like Dify's pandas extractor: each sheet a markdown table (first non-empty row = header,
/// fully empty rows dropped), each followed by a blank line. Cells show their stored value: numbers as
/// written in the file, dates as serial numbers, empty cells as "" (pandas would print "nan").
/// </summary>
public static class XlsxText
{
    public static string Extract(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var doc = SpreadsheetDocument.Open(stream, false);
        var workbook = doc.WorkbookPart;
        if (workbook?.Workbook?.Sheets is null) return "";
        var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var output = new System.Text.StringBuilder();
        foreach (var sheet in workbook.Workbook.Sheets.Elements<Sheet>())
        {
            if (sheet.Id?.Value is not { } relId || workbook.GetPartById(relId) is not WorksheetPart part) continue;
            var rows = ReadRows(part, shared);
            if (rows.Count == 0) continue;
            var header = rows[0].Select((h, i) => h.Length == 0 ? $"Unnamed: {i}" : h).ToList();
            var table = MarkdownTable.Render([header, .. rows.Skip(1)], "\n", trailingNewline: false);
            output.Append(table).Append("\n\n");
        }
        return output.ToString();
    }

    private static List<IReadOnlyList<string>> ReadRows(WorksheetPart part, List<string> shared)
    {
        var grid = new List<Dictionary<int, string>>();
        var width = 0;
        foreach (var row in part.Worksheet.Descendants<Row>())
        {
            var cells = new Dictionary<int, string>();
            var next = 0;
            foreach (var cell in row.Elements<Cell>())
            {
                var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : next;
                next = column + 1;
                var value = CellText(cell, shared);
                if (value.Length > 0) cells[column] = string.Join(" ", value.ReplaceLineEndings("\n").Split('\n'));
            }
            if (cells.Count == 0) continue; // dropna(how="all")
            width = Math.Max(width, cells.Keys.Max() + 1);
            grid.Add(cells);
        }
        return grid.Select(r => (IReadOnlyList<string>)Enumerable.Range(0, width).Select(i => r.GetValueOrDefault(i, "")).ToList()).ToList();
    }

    private static string CellText(Cell cell, List<string> shared)
    {
        var raw = cell.CellValue?.Text ?? "";
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < shared.Count ? shared[i] : "";
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        if (type == CellValues.Boolean) return raw == "1" ? "True" : "False";
        return raw;
    }

    /// <summary>"C7" → 2.</summary>
    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter)) index = index * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
        return Math.Max(0, index - 1);
    }
}
