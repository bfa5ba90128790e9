using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Values;

namespace Dify.Workflows.Knowledge;

/// <summary>
/// Dify's metadata comparison operators against a document's metadata: contains, not contains, start with,
/// end with, is, is not, empty, not empty, in, not in, =, ≠, &gt;, &lt;, ≥, ≤, before, after (ASCII forms too).
/// Numbers compare as numbers; before/after read unix seconds or ISO dates.
/// </summary>
public static class MetadataFilterEvaluator
{
    public static bool Matches(JsonObject? metadata, MetadataFilter? filter)
    {
        if (filter is null || filter.Conditions.Count == 0) return true;
        var or = string.Equals(filter.LogicalOperator, "or", StringComparison.OrdinalIgnoreCase);
        return or
            ? filter.Conditions.Any(c => Matches(metadata, c))
            : filter.Conditions.All(c => Matches(metadata, c));
    }

    public static bool Matches(JsonObject? metadata, MetadataCondition condition)
    {
        var actual = metadata is not null && metadata.TryGetPropertyValue(condition.Name, out var v) ? v : null;
        var text = actual is null ? null : ValueText.ToText(actual);
        var expected = condition.Value is null ? "" : ValueText.ToText(condition.Value);
        switch (condition.ComparisonOperator.Trim().ToLowerInvariant())
        {
            case "empty": return string.IsNullOrEmpty(text);
            case "not empty": return !string.IsNullOrEmpty(text);
            case "contains": return text is not null && text.Contains(expected, StringComparison.OrdinalIgnoreCase);
            case "not contains": return text is null || !text.Contains(expected, StringComparison.OrdinalIgnoreCase);
            case "start with": return text is not null && text.StartsWith(expected, StringComparison.OrdinalIgnoreCase);
            case "end with": return text is not null && text.EndsWith(expected, StringComparison.OrdinalIgnoreCase);
            case "is" or "=" or "==": return text is not null && Equal(text, expected);
            case "is not" or "≠" or "!=": return text is null || !Equal(text, expected);
            case "in": return text is not null && List(condition.Value).Any(x => Equal(text, x));
            case "not in": return text is null || !List(condition.Value).Any(x => Equal(text, x));
            case ">": return Compare(text, expected) is > 0;
            case "<": return Compare(text, expected) is < 0;
            case "≥" or ">=": return Compare(text, expected) is >= 0;
            case "≤" or "<=": return Compare(text, expected) is <= 0;
            case "before": return CompareTime(text, expected) is < 0;
            case "after": return CompareTime(text, expected) is > 0;
            default: throw new KnowledgeRetrievalException($"Unsupported metadata comparison operator '{condition.ComparisonOperator}'.");
        }
    }

    private static bool Equal(string actual, string expected) =>
        Number(actual) is { } a && Number(expected) is { } e ? a == e : string.Equals(actual, expected, StringComparison.Ordinal);

    private static int? Compare(string? actual, string expected) =>
        actual is not null && Number(actual) is { } a && Number(expected) is { } e ? a.CompareTo(e) : null;

    private static int? CompareTime(string? actual, string expected) =>
        actual is not null && Time(actual) is { } a && Time(expected) is { } e ? a.CompareTo(e) : null;

    private static IEnumerable<string> List(JsonNode? value) => value switch
    {
        JsonArray a => a.Select(ValueText.ToText),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        null => [],
        _ => [ValueText.ToText(value)],
    };

    private static double? Number(string s) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>Dify stores time metadata as unix seconds; users also type dates.</summary>
    private static DateTimeOffset? Time(string s)
    {
        if (Number(s) is { } seconds) return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        return DateTimeOffset.TryParse(s.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }
}
