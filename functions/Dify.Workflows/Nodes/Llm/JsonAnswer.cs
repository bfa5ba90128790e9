using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Finds the JSON a model was asked for inside its answer: after removing think blocks, either the whole
/// text, a ```json fenced block, or the outermost {...} span. Models wrap JSON in prose often enough that
/// Dify does the same search (parse_and_check_json_markdown).
/// </summary>
public static class JsonAnswer
{
    public static JsonObject? TryParseObject(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) return null;
        var text = ThinkTags.Strip(answer);
        foreach (var candidate in Candidates(text))
        {
            if (TryParse(candidate) is JsonObject o) return o;
        }
        return null;
    }

    /// <summary>Any JSON value (structured output may legitimately be an array).</summary>
    public static JsonNode? TryParseAny(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) return null;
        var text = ThinkTags.Strip(answer);
        foreach (var candidate in Candidates(text))
        {
            if (TryParse(candidate) is { } n) return n;
        }
        return null;
    }

    private static IEnumerable<string> Candidates(string text)
    {
        yield return text.Trim();
        var fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            var start = text.IndexOf('\n', fence);
            var end = start < 0 ? -1 : text.IndexOf("```", start, StringComparison.Ordinal);
            if (start >= 0 && end > start) yield return text[(start + 1)..end].Trim();
        }
        var open = text.IndexOf('{');
        var close = text.LastIndexOf('}');
        if (open >= 0 && close > open) yield return text[open..(close + 1)];
        var openArray = text.IndexOf('[');
        var closeArray = text.LastIndexOf(']');
        if (openArray >= 0 && closeArray > openArray) yield return text[openArray..(closeArray + 1)];
    }

    private static JsonNode? TryParse(string candidate)
    {
        if (candidate.Length == 0) return null;
        try
        {
            return JsonNode.Parse(candidate, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
