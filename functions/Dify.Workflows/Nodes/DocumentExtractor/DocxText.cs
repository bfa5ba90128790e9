using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>
/// docx like Dify's python-docx extractor: the body's paragraphs and tables in order, joined by "\n";
/// tables as markdown with "---" separators, cell line breaks as &lt;br&gt;, empty tables dropped.
/// </summary>
public static class DocxText
{
    public static string Extract(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var doc = WordprocessingDocument.Open(stream, false);
        var body = doc.MainDocumentPart?.Document?.Body;
        if (body is null) return "";
        var parts = new List<string>();
        foreach (var element in body.ChildElements)
        {
            switch (element)
            {
                case Paragraph p: parts.Add(ParagraphText(p)); break;
                case Table t when TableText(t) is { } table: parts.Add(table); break;
            }
        }
        return string.Join("\n", parts);
    }

    /// <summary>python-docx's Paragraph.text: run text, tabs as \t, breaks as \n.</summary>
    private static string ParagraphText(OpenXmlElement paragraph)
    {
        var sb = new StringBuilder();
        foreach (var e in paragraph.Descendants())
        {
            switch (e)
            {
                case Text t: sb.Append(t.Text); break;
                case TabChar: sb.Append('\t'); break;
                case Break or CarriageReturn: sb.Append('\n'); break;
            }
        }
        return sb.ToString();
    }

    private static string? TableText(Table table)
    {
        var rows = table.Elements<TableRow>().Select(RowCells).ToList();
        if (rows.Count == 0 || !rows.Any(r => r.Any(c => c.Trim().Length > 0))) return null;
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", rows[0].Select(Cell))).Append(" |\n");
        sb.Append("| ").Append(string.Join(" | ", rows[0].Select(_ => "---"))).Append(" |\n");
        foreach (var row in rows.Skip(1)) sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>A cell spanning n grid columns appears n times, as python-docx's row.cells does.</summary>
    private static List<string> RowCells(TableRow row)
    {
        var cells = new List<string>();
        foreach (var cell in row.Elements<TableCell>())
        {
            var text = string.Join("\n", cell.Elements<Paragraph>().Select(ParagraphText));
            var span = cell.TableCellProperties?.GridSpan?.Val?.Value ?? 1;
            for (var i = 0; i < Math.Max(1, span); i++) cells.Add(text);
        }
        return cells;
    }

    private static string Cell(string text) => text.Replace("\n", "<br>");
}
