using System.Text;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Renders a basic-edition prompt: variables with their text form, {{#context#}} with the context. The
/// placeholder is replaced only in the template's own text, so a variable's value is never re-interpreted.
/// </summary>
public static class PromptText
{
    public const string ContextPlaceholder = "{{#context#}}";

    public static string Render(VariableTemplate template, VariablePool pool, string? context)
    {
        var sb = new StringBuilder();
        foreach (var segment in template.Segments)
        {
            switch (segment)
            {
                case VariableTemplate.TextSegment t:
                    sb.Append(t.Text.Contains(ContextPlaceholder, StringComparison.Ordinal) ? t.Text.Replace(ContextPlaceholder, context ?? "", StringComparison.Ordinal) : t.Text);
                    break;
                case VariableTemplate.VariableSegment v:
                    sb.Append(pool.TryGet(v.Selector, out var value) ? ValueText.ToText(value) : v.Literal);
                    break;
            }
        }
        return sb.ToString();
    }
}
