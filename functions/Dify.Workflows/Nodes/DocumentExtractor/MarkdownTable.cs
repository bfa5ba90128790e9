using System.Text;

namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>Rows as Dify's markdown tables: "| a | b |", then a separator of dashes as wide as each header.</summary>
internal static class MarkdownTable
{
    public static string Render(IReadOnlyList<IReadOnlyList<string>> rows, string lineEnd = "\n", bool trailingNewline = true)
    {
        if (rows.Count == 0) return "";
        var lines = new List<string>
        {
            "| " + string.Join(" | ", rows[0].Select(Cell)) + " |",
            "| " + string.Join(" | ", rows[0].Select(c => new string('-', c.Length))) + " |",
        };
        lines.AddRange(rows.Skip(1).Select(r => "| " + string.Join(" | ", r.Select(Cell)) + " |"));
        var sb = new StringBuilder(string.Join(lineEnd, lines));
        if (trailingNewline) sb.Append(lineEnd);
        return sb.ToString();
    }

    /// <summary>A cell stays on one line.</summary>
    private static string Cell(string cell) => cell.Replace("\n", " ").Replace("\r", "");
}
