using System.Text;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>A rendered request: everything templated, files read, ready to send (and to log without secrets).</summary>
internal sealed class PreparedHttpRequest
{
    public required string Method { get; init; }
    public required Uri Url { get; init; }
    /// <summary>Header names as the user wrote them; the last line for a name wins (Python dict).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
    public byte[]? Content { get; init; }
    /// <summary>Builds fresh content each time (HttpContent cannot be re-sent).</summary>
    public Func<HttpContent?> CreateContent { get; init; } = () => null;
    /// <summary>The auth header name, masked in logs.</summary>
    public string? SecretHeader { get; init; }
    public string LogBody { get; init; } = "";

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method.ToUpperInvariant()), Url);
        var content = CreateContent();
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue; // computed from the body
            if (message.Headers.TryAddWithoutValidation(name, value)) continue;
            // A content header (Content-Type...): it needs a body to travel on.
            content ??= new ByteArrayContent([]);
            content.Headers.Remove(name);
            content.Headers.TryAddWithoutValidation(name, value);
        }
        message.Content = content;
        return message;
    }

    /// <summary>Dify's process_data.request: the raw request with the auth header masked.</summary>
    public string ToLog()
    {
        var sb = new StringBuilder();
        sb.Append(Method.ToUpperInvariant()).Append(' ').Append(string.IsNullOrEmpty(Url.PathAndQuery) ? "/" : Url.PathAndQuery).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(Url.Authority).Append("\r\n");
        foreach (var (name, value) in Headers)
        {
            var masked = SecretHeader is not null && name.Equals(SecretHeader, StringComparison.OrdinalIgnoreCase);
            sb.Append(name).Append(": ").Append(masked ? new string('*', value.Length) : value).Append("\r\n");
        }
        sb.Append("\r\n").Append(LogBody);
        return sb.ToString();
    }
}
