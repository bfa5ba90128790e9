using System.Text;

namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>CSV (Python csv.reader's excel dialect: quotes, doubled quotes, newlines in quotes) → a markdown table.</summary>
internal static class CsvText
{
    public static string Extract(byte[] bytes) => MarkdownTable.Render(Parse(TextDecoding.Decode(bytes)));

    internal static List<IReadOnlyList<string>> Parse(string text)
    {
        var rows = new List<IReadOnlyList<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var inQuotes = false;
        var rowHasContent = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') inQuotes = false;
                else cell.Append(c);
                continue;
            }
            switch (c)
            {
                case '"' when cell.Length == 0:
                    inQuotes = true;
                    rowHasContent = true;
                    break;
                case ',':
                    row.Add(cell.ToString());
                    cell.Clear();
                    rowHasContent = true;
                    break;
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                    EndRow();
                    break;
                default:
                    cell.Append(c);
                    rowHasContent = true;
                    break;
            }
        }
        EndRow();
        return rows;

        void EndRow()
        {
            // csv.reader yields [] for blank lines; Dify's table then has a "|  |" row. Skipping them reads better
            // and only differs for files with blank lines.
            if (rowHasContent || cell.Length > 0)
            {
                row.Add(cell.ToString());
                rows.Add(row);
            }
            row = [];
            cell.Clear();
            rowHasContent = false;
        }
    }
}
