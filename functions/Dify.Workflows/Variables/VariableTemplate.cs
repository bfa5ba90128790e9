using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Workflows.Values;

namespace Dify.Workflows.Variables;

/// <summary>
/// A parsed "{{#node.var.path#}}" template (DIFY-SPEC §3.2): literal text and variable segments.
/// Parse once per node; render many times.
/// </summary>
public sealed partial class VariableTemplate
{
    [GeneratedRegex(@"\{\{#([a-zA-Z0-9_]{1,50}(?:\.[a-zA-Z_][a-zA-Z0-9_]{0,29}){1,10})#\}\}")]
    private static partial Regex Pattern();

    public abstract record Segment;
    public sealed record TextSegment(string Text) : Segment;
    public sealed record VariableSegment(Selector Selector, string Literal) : Segment;

    public IReadOnlyList<Segment> Segments { get; }

    private VariableTemplate(IReadOnlyList<Segment> segments) => Segments = segments;

    public static VariableTemplate Parse(string? template)
    {
        var segments = new List<Segment>();
        if (string.IsNullOrEmpty(template)) return new VariableTemplate(segments);
        var last = 0;
        foreach (Match m in Pattern().Matches(template))
        {
            if (m.Index > last) segments.Add(new TextSegment(template[last..m.Index]));
            segments.Add(new VariableSegment(Selector.FromDotted(m.Groups[1].Value), m.Groups[1].Value));
            last = m.Index + m.Length;
        }
        if (last < template.Length) segments.Add(new TextSegment(template[last..]));
        return new VariableTemplate(segments);
    }

    public IEnumerable<Selector> Selectors => Segments.OfType<VariableSegment>().Select(s => s.Selector);

    /// <summary>Renders with the text form; a variable that is missing renders as its literal "node.var" (Dify's behaviour).</summary>
    public string RenderText(VariablePool pool) => Render(pool, ValueText.ToText);

    /// <summary>Renders with the markdown form (Answer and End).</summary>
    public string RenderMarkdown(VariablePool pool) => Render(pool, ValueText.ToMarkdown);

    public string Render(VariablePool pool, Func<JsonNode?, string> format)
    {
        if (Segments.Count == 1 && Segments[0] is TextSegment only) return only.Text;
        var sb = new StringBuilder();
        foreach (var s in Segments)
        {
            switch (s)
            {
                case TextSegment t: sb.Append(t.Text); break;
                case VariableSegment v:
                    sb.Append(pool.TryGet(v.Selector, out var value) ? format(value) : v.Literal);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Convenience for one-off renders.</summary>
    public static string RenderText(string? template, VariablePool pool) => Parse(template).RenderText(pool);
}
