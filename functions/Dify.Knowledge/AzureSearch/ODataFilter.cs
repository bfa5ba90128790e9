using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Values;

namespace Dify.Knowledge.AzureSearch;

/// <summary>
/// OData filters for the index: a dataset's searchable chunks, and Dify metadata conditions where OData can say
/// them exactly (is / is not / in / not in on text values, through <c>metadata_pairs</c>). The rest come back as
/// <see cref="MetadataPlan.Residual"/>, to check with <see cref="MetadataFilterEvaluator"/> after the search.
/// </summary>
internal static class ODataFilter
{
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The searched chunks of one dataset: parents are only fetched by id; disabled segments and the chunks of disabled or
    /// archived documents are skipped (<c>ne false</c>, so chunks written before the switches existed still count).
    /// </summary>
    public static string Searchable(string datasetId) =>
        $"{AzureSearchSchema.DatasetId} eq {Literal(datasetId)} and {AzureSearchSchema.Kind} ne 'parent'"
        + $" and {AzureSearchSchema.Enabled} ne false and {AzureSearchSchema.DocumentEnabled} ne false";

    public static string And(string left, string? right) => string.IsNullOrEmpty(right) ? left : $"{left} and ({right})";

    /// <summary><c>search.in(field, 'a|b', '|')</c>, with a delimiter that no value contains (or an or-chain when none is free).</summary>
    public static string In(string field, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return "false";
        foreach (var delimiter in new[] { "|", ",", "~", "^", "#" })
        {
            if (values.Any(v => v.Contains(delimiter, StringComparison.Ordinal))) continue;
            return $"search.in({field}, {Literal(string.Join(delimiter, values))}, {Literal(delimiter)})";
        }
        return "(" + string.Join(" or ", values.Select(v => $"{field} eq {Literal(v)}")) + ")";
    }

    public static MetadataPlan Plan(MetadataFilter? filter)
    {
        if (filter is null || filter.Conditions.Count == 0) return new MetadataPlan(null, null);
        var or = string.Equals(filter.LogicalOperator, "or", StringComparison.OrdinalIgnoreCase);
        var pushed = filter.Conditions.Select(Condition).ToList();
        if (or)
        {
            // An or with any condition OData cannot say must be checked whole, after the search.
            return pushed.All(p => p is not null)
                ? new MetadataPlan(string.Join(" or ", pushed.Select(p => "(" + p + ")")), null)
                : new MetadataPlan(null, filter);
        }
        var residual = filter.Conditions.Where((_, i) => pushed[i] is null).ToList();
        var odata = pushed.Where(p => p is not null).Select(p => "(" + p + ")").ToList();
        return new MetadataPlan(
            odata.Count > 0 ? string.Join(" and ", odata) : null,
            residual.Count > 0 ? new MetadataFilter("and", residual) : null);
    }

    /// <summary>The OData form of one condition, or null when only the evaluator can decide it exactly.</summary>
    private static string? Condition(MetadataCondition c)
    {
        var pairs = AzureSearchSchema.MetadataPairs;
        switch (c.ComparisonOperator.Trim().ToLowerInvariant())
        {
            case "is" or "=" or "==" when Text(c.Value) is { } v:
                return $"{pairs}/any(m: m eq {Literal(AzureSearchChunk.Pair(c.Name, v))})";
            case "is not" or "≠" or "!=" when Text(c.Value) is { } v:
                return $"not {pairs}/any(m: m eq {Literal(AzureSearchChunk.Pair(c.Name, v))})";
            case "in" when Texts(c.Value) is { } list:
                return $"{pairs}/any(m: {In("m", list.Select(v => AzureSearchChunk.Pair(c.Name, v)).ToList())})";
            case "not in" when Texts(c.Value) is { } list:
                return $"not {pairs}/any(m: {In("m", list.Select(v => AzureSearchChunk.Pair(c.Name, v)).ToList())})";
            default:
                return null;
        }
    }

    /// <summary>A value compared as text: numbers compare numerically in Dify ("1" = "1.0"), so they stay with the evaluator.</summary>
    private static string? Text(JsonNode? value)
    {
        if (value is null or JsonArray or JsonObject) return null;
        var text = ValueText.ToText(value);
        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : text;
    }

    private static List<string>? Texts(JsonNode? value)
    {
        IEnumerable<JsonNode?> items = value switch
        {
            JsonArray a => a,
            JsonValue v when v.GetValueKind() == JsonValueKind.String =>
                v.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => (JsonNode?)JsonValue.Create(s)),
            _ => [],
        };
        var texts = items.Select(Text).ToList();
        return texts.Count > 0 && texts.All(t => t is not null) ? texts.Select(t => t!).ToList() : null;
    }
}

/// <summary>The OData part of a metadata filter and what is left to check on the results.</summary>
internal sealed record MetadataPlan(string? OData, MetadataFilter? Residual);
