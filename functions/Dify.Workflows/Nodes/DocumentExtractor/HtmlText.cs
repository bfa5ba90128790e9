using System.Text;
using System.Text.RegularExpressions;
using HtmlAgilityPack;

namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>The visible text of an HTML page: no scripts, styles or head; block elements on their own lines.</summary>
public static partial class HtmlText
{
    private static readonly HashSet<string> Hidden = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "head", "template", "svg" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
        "header", "footer", "nav", "main", "aside", "pre", "blockquote", "hr", "dt", "dd", "dl", "form", "title", "figure", "figcaption",
    };

    [GeneratedRegex(@"[ \t\f\v\u00a0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();

    public static string Extract(byte[] bytes)
    {
        var doc = new HtmlDocument();
        doc.LoadHtml(TextDecoding.Decode(bytes));
        var sb = new StringBuilder();
        Walk(doc.DocumentNode, sb);
        var lines = sb.ToString().Split('\n').Select(l => Spaces().Replace(l, " ").Trim());
        return BlankLines().Replace(string.Join("\n", lines), "\n\n").Trim();
    }

    private static void Walk(HtmlNode node, StringBuilder sb)
    {
        switch (node.NodeType)
        {
            case HtmlNodeType.Comment:
                return;
            case HtmlNodeType.Text:
                sb.Append(HtmlEntity.DeEntitize(node.InnerText).Replace('\r', ' ').Replace('\n', ' '));
                return;
        }
        if (node.NodeType == HtmlNodeType.Element && Hidden.Contains(node.Name)) return;
        var block = node.NodeType == HtmlNodeType.Element && Blocks.Contains(node.Name);
        if (block) sb.Append('\n');
        foreach (var child in node.ChildNodes)
        {
            Walk(child, sb);
            if (child.NodeType == HtmlNodeType.Element && child.Name is "td" or "th") sb.Append(' ');
        }
        if (block) sb.Append('\n');
    }
}
