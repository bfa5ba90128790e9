using System.Text;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>
/// The resource part of a Shared Key string to sign: <c>/account</c> + the URL path as sent (encoded).
/// With path-style URLs (Azurite) the path already starts with the account, so it appears twice; that is
/// what the service expects.
/// </summary>
internal static class CanonicalizedResource
{
    /// <summary>Blob/Queue form: then <c>\nname:value</c> per query parameter, names lowercased and sorted, values decoded, repeats comma-joined.</summary>
    public static void AppendWithAllQueryParameters(StringBuilder builder, string account, Uri uri)
    {
        builder.Append('/').Append(account).Append(uri.AbsolutePath);
        var parameters = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in QueryParameters(uri))
        {
            var key = name.ToLowerInvariant();
            if (!parameters.TryGetValue(key, out var values))
            {
                parameters[key] = values = [];
            }
            values.Add(value);
        }
        foreach (var (name, values) in parameters)
        {
            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
        }
    }

    /// <summary>Table form: only <c>?comp=value</c> is kept.</summary>
    public static void AppendWithCompOnly(StringBuilder builder, string account, Uri uri)
    {
        builder.Append('/').Append(account).Append(uri.AbsolutePath);
        foreach (var (name, value) in QueryParameters(uri))
        {
            if (string.Equals(name, "comp", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append("?comp=").Append(value);
                break;
            }
        }
    }

    private static IEnumerable<(string Name, string Value)> QueryParameters(Uri uri)
    {
        var query = uri.Query;
        if (query.Length <= 1) yield break;
        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            yield return (Uri.UnescapeDataString(name), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }
}
