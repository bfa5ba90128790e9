using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Azure;

namespace Dify.Storage.Azure.Pipeline;

/// <summary>
/// Builds a <see cref="StorageRequestException"/> from an error response: the code from
/// <c>x-ms-error-code</c>, else from the body (Blob: <c>&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;</c>;
/// Table: <c>{"odata.error":{"code","message":{"value"}}}</c>). Only the first line of the service's message is kept.
/// </summary>
internal static class StorageErrorReader
{
    private const int MaxBodyChars = 16 * 1024;

    public static async Task<StorageRequestException> ReadAsync(Response response, string what, CancellationToken cancellationToken)
    {
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        response.Headers.TryGetValue("x-ms-request-id", out var requestId);
        string? serviceMessage = null;
        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(body))
        {
            var (bodyCode, bodyMessage) = body.TrimStart().StartsWith('<') ? FromXml(body) : FromJson(body);
            code ??= bodyCode;
            serviceMessage = bodyMessage;
        }
        var text = new StringBuilder()
            .Append(what).Append(" failed with ").Append(response.Status).Append(' ').Append(response.ReasonPhrase);
        if (code is not null) text.Append(" (").Append(code).Append(')');
        if (serviceMessage is not null) text.Append(": ").Append(FirstLine(serviceMessage));
        if (requestId is not null) text.Append(" [request id ").Append(requestId).Append(']');
        return new StorageRequestException(response.Status, code, requestId, text.ToString());
    }

    private static async Task<string?> ReadBodyAsync(Response response, CancellationToken cancellationToken)
    {
        var stream = response.ContentStream;
        if (stream is null) return null;
        try
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: false);
            var buffer = new char[MaxBodyChars];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            return new string(buffer, 0, read);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static (string? Code, string? Message) FromXml(string body)
    {
        try
        {
            var root = XDocument.Parse(body).Root;
            return (root?.Element("Code")?.Value, root?.Element("Message")?.Value);
        }
        catch (System.Xml.XmlException)
        {
            return (null, null);
        }
    }

    private static (string? Code, string? Message) FromJson(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && (doc.RootElement.TryGetProperty("odata.error", out var error) || doc.RootElement.TryGetProperty("error", out error)))
            {
                var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                string? message = null;
                if (error.TryGetProperty("message", out var m))
                {
                    message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString()
                        : m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
                return (code, message);
            }
        }
        catch (JsonException)
        {
        }
        return (null, null);
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var newline = trimmed.IndexOfAny(['\r', '\n']);
        return newline < 0 ? trimmed : trimmed[..newline];
    }
}
