using System.Text;

namespace Dify.Edge.Link.Hub;

/// <summary>
/// IoT Hub's MQTT property bag: <c>key=value&amp;key=value</c>, each part URL-encoded, appended to a topic.
/// System properties keep their literal <c>$.</c> prefix (e.g. <c>$.mid</c>).
/// </summary>
public static class PropertyBag
{
    public static string Encode(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in properties)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }
            text.Append(Escape(key)).Append('=').Append(Escape(value));
        }
        return text.ToString();
    }

    /// <summary>Parses <c>a=1&amp;b=2</c> (a leading '?' is skipped); a key without '=' gets an empty value.</summary>
    public static IReadOnlyDictionary<string, string> Decode(string bag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in bag.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            result[Uri.UnescapeDataString(key)] = Uri.UnescapeDataString(value);
        }
        return result;
    }

    // Uri.EscapeDataString leaves only RFC 3986 unreserved characters, so no '/', '+', '#', '&' or '=' reaches
    // the topic; '$' is put back because IoT Hub's system property names start with it.
    private static string Escape(string value) => Uri.EscapeDataString(value).Replace("%24", "$", StringComparison.Ordinal);
}
