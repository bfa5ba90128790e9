using System.Text.Json.Nodes;

namespace Dify.Knowledge.AzureSearch.Tests.Server;

/// <summary>
/// Executes a search request body (API 2023-11-01): <c>search</c> (simple syntax, any/all), <c>searchFields</c>,
/// <c>filter</c>, <c>vectorQueries</c> (<c>kind: vector</c>, exhaustive cosine over the stored vectors, pre-filtered),
/// hybrid reciprocal rank fusion (k = 60), <c>queryType: semantic</c> with a named configuration (a deterministic
/// reranker: 4 × the share of query words in the prioritized content fields), <c>top</c>, <c>skip</c>, <c>select</c>.
/// BM25 statistics cover the whole index, as on the service.
/// </summary>
internal static class SearchExecutor
{
    public const int RrfK = 60;

    public static JsonObject Execute(SearchIndexState index, JsonObject body)
    {
        var search = body["search"]?.GetValue<string>();
        var filter = ODataFilterParser.Parse(body["filter"]?.GetValue<string>());
        var all = index.Documents.Values.ToList();
        var filtered = all.Where(filter).ToList();
        var lists = new List<List<(JsonObject Doc, double Score)>>();

        var terms = Terms(search);
        if (terms.Count > 0)
        {
            var fields = body["searchFields"]?.GetValue<string>() is { Length: > 0 } sf
                ? sf.Split(',', StringSplitOptions.TrimEntries) : index.SearchableTextFields.ToArray();
            foreach (var f in fields)
                if (!index.SearchableTextFields.Contains(f)) throw new ArgumentException($"Field '{f}' is not searchable.");
            var all_ = body["searchMode"]?.GetValue<string>() == "all";
            lists.Add(Bm25(all, filtered, terms, fields, all_));
        }

        foreach (var q in (body["vectorQueries"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (q["kind"]?.GetValue<string>() != "vector") throw new ArgumentException("Only vector queries of kind 'vector' are supported.");
            var vector = q["vector"]!.AsArray().Select(x => x!.GetValue<float>()).ToArray();
            var k = q["k"]?.GetValue<int>() ?? throw new ArgumentException("A vector query needs k.");
            var field = q["fields"]?.GetValue<string>() ?? throw new ArgumentException("A vector query needs fields.");
            var definition = index.Field(field) ?? throw new ArgumentException($"Unknown field '{field}'.");
            var dims = definition["dimensions"]?.GetValue<int>() ?? throw new ArgumentException($"Field '{field}' is not a vector field.");
            if (vector.Length != dims)
                throw new ArgumentException($"The vector field '{field}' with dimensionality of {dims} expects a length of {dims}. However, the provided vector has a length of {vector.Length}.");
            lists.Add(filtered
                .Where(d => d[field] is JsonArray)
                .Select(d => (Doc: d, Score: 1 / (1 + (1 - Cosine(vector, d[field]!.AsArray())))))
                .OrderByDescending(x => x.Score).Take(k).ToList());
        }

        List<(JsonObject Doc, double Score)> ranked = lists.Count switch
        {
            0 => filtered.Select(d => (d, 1.0)).ToList(),
            1 => lists[0],
            _ => Fuse(lists),
        };

        Dictionary<JsonObject, double>? reranker = null;
        if (body["queryType"]?.GetValue<string>() == "semantic")
        {
            var config = Semantic(index, body["semanticConfiguration"]?.GetValue<string>());
            var content = (config["prioritizedFields"]?["prioritizedContentFields"] as JsonArray ?? []).Select(x => x!["fieldName"]!.GetValue<string>()).ToList();
            reranker = [];
            ranked = ranked.Take(50)
                .Select((r, i) => (r, i, rr: 4.0 * Coverage(terms, string.Join(" ", content.Select(f => r.Doc[f]?.GetValue<string>() ?? "")))))
                .OrderByDescending(x => x.rr).ThenBy(x => x.i)
                .Select(x => { reranker[x.r.Doc] = x.rr; return x.r; }).ToList();
        }

        var skip = body["skip"]?.GetValue<int>() ?? 0;
        var top = body["top"]?.GetValue<int>() ?? 50;
        var select = body["select"]?.GetValue<string>() is { Length: > 0 } s && s != "*" ? s.Split(',', StringSplitOptions.TrimEntries) : null;
        var value = new JsonArray();
        foreach (var (doc, score) in ranked.Skip(skip).Take(top))
        {
            var item = new JsonObject { ["@search.score"] = score };
            if (reranker is not null) item["@search.rerankerScore"] = reranker[doc];
            foreach (var (name, v) in doc)
            {
                if (select is not null ? !select.Contains(name) : index.IsHidden(name)) continue;
                item[name] = v?.DeepClone();
            }
            value.Add(item);
        }
        var result = new JsonObject();
        if (body["count"]?.GetValue<bool>() == true) result["@odata.count"] = ranked.Count;
        result["value"] = value;
        return result;
    }

    public static List<string> Terms(string? search) =>
        string.IsNullOrWhiteSpace(search) || search.Trim() == "*" ? [] : Tokenize(search).Distinct().ToList();

    private static List<(JsonObject, double)> Bm25(List<JsonObject> all, List<JsonObject> filtered, List<string> terms, string[] fields, bool requireAll)
    {
        const double k1 = 1.2, b = 0.75;
        string Text(JsonObject d) => string.Join(" ", fields.Select(f => d[f]?.GetValue<string>() ?? ""));
        var tokens = new Dictionary<JsonObject, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var d in all) tokens[d] = Tokenize(Text(d)).ToList();
        var avg = Math.Max(1, tokens.Values.Average(t => t.Count));
        var result = new List<(JsonObject, double)>();
        foreach (var d in filtered)
        {
            var words = tokens[d];
            double score = 0;
            var matched = 0;
            foreach (var term in terms)
            {
                var tf = words.Count(w => w == term);
                if (tf == 0) continue;
                matched++;
                var df = tokens.Values.Count(t => t.Contains(term));
                var idf = Math.Log(1 + (all.Count - df + 0.5) / (df + 0.5));
                score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * words.Count / avg));
            }
            if (matched > 0 && (!requireAll || matched == terms.Count)) result.Add((d, score));
        }
        return [.. result.OrderByDescending(x => x.Item2)];
    }

    private static List<(JsonObject, double)> Fuse(List<List<(JsonObject Doc, double Score)>> lists)
    {
        var scores = new Dictionary<JsonObject, double>(ReferenceEqualityComparer.Instance);
        var order = new List<JsonObject>();
        foreach (var list in lists)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!scores.ContainsKey(list[i].Doc)) order.Add(list[i].Doc);
                scores[list[i].Doc] = scores.GetValueOrDefault(list[i].Doc) + 1.0 / (RrfK + i + 1);
            }
        }
        return [.. order.Select(d => (d, scores[d])).OrderByDescending(x => x.Item2)];
    }

    private static JsonObject Semantic(SearchIndexState index, string? name)
    {
        var semantic = index.Definition["semantic"];
        name ??= semantic?["defaultConfiguration"]?.GetValue<string>();
        return (semantic?["configurations"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == name)
               ?? throw new ArgumentException($"Unknown semantic configuration '{name}'.");
    }

    private static double Coverage(List<string> terms, string text)
    {
        if (terms.Count == 0) return 0;
        var words = Tokenize(text).ToHashSet();
        return terms.Count(words.Contains) / (double)terms.Count;
    }

    private static double Cosine(float[] a, JsonArray b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var y = b[i]!.GetValue<double>();
            dot += a[i] * y;
            na += a[i] * (double)a[i];
            nb += y * y;
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>Lower-cased runs of letters and digits (the standard analyzer, near enough).</summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }
}
