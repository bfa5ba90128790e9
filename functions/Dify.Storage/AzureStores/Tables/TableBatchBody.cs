using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Dify.Storage.Azure.Tables;

namespace Dify.Storage.AzureStores.Tables;

/// <summary>The multipart/mixed text of a Table <c>$batch</c> request and its response.</summary>
internal static class TableBatchBody
{
    internal sealed record Part(int Status, string? ETag, string Body);

    public static string Write(Uri endpoint, TableTransaction transaction, string batch, string changeset)
    {
        var root = endpoint.AbsoluteUri.TrimEnd('/');
        var text = new StringBuilder();
        text.Append("--").Append(batch).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        foreach (var op in transaction.Operations)
        {
            text.Append("--").Append(changeset).Append("\r\n")
                .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            var (method, path) = op.Kind switch
            {
                TableOperationKind.Insert => ("POST", TablePaths.Table(transaction.Table)),
                TableOperationKind.UpsertMerge or TableOperationKind.UpdateMerge => ("MERGE", TablePaths.Entity(transaction.Table, op.PartitionKey, op.RowKey)),
                TableOperationKind.Delete => ("DELETE", TablePaths.Entity(transaction.Table, op.PartitionKey, op.RowKey)),
                _ => ("PUT", TablePaths.Entity(transaction.Table, op.PartitionKey, op.RowKey)),
            };
            text.Append(method).Append(' ').Append(root).Append('/').Append(path).Append(" HTTP/1.1\r\n")
                .Append("Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n");
            if (op.Kind is TableOperationKind.UpdateMerge or TableOperationKind.UpdateReplace or TableOperationKind.Delete)
            {
                text.Append("If-Match: ").Append(op.IfMatch == default ? "*" : op.IfMatch.ToString()).Append("\r\n");
            }
            if (op.Entity is null)
            {
                text.Append("\r\n");
                continue;
            }
            if (op.Kind == TableOperationKind.Insert) text.Append("Prefer: return-no-content\r\n");
            text.Append("Content-Type: application/json\r\n\r\n")
                .Append(Encoding.UTF8.GetString(TableEntityJson.Write(op.Entity))).Append("\r\n");
        }
        text.Append("--").Append(changeset).Append("--\r\n")
            .Append("--").Append(batch).Append("--\r\n");
        return text.ToString();
    }

    /// <summary>Every embedded HTTP response, in order: its status, ETag and body.</summary>
    public static IReadOnlyList<Part> ReadResponses(string body)
    {
        var parts = new List<Part>();
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("HTTP/1.1 ", StringComparison.Ordinal)) continue;
            var status = int.Parse(lines[i].AsSpan(9, 3), CultureInfo.InvariantCulture);
            string? etag = null;
            for (i++; i < lines.Length && lines[i].Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && lines[i].AsSpan(0, colon).Trim().Equals("ETag", StringComparison.OrdinalIgnoreCase))
                {
                    etag = lines[i][(colon + 1)..].Trim();
                }
            }
            var content = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("--", StringComparison.Ordinal); i++) content.Append(lines[i]).Append('\n');
            i--;
            parts.Add(new Part(status, etag, content.ToString().Trim()));
        }
        return parts;
    }

    /// <summary>The OData error's code and message text, when the body is one.</summary>
    public static (string? Code, string? Message) ReadError(string body)
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
                    message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
                return (code, message);
            }
        }
        catch (JsonException)
        {
        }
        return (null, body.Length > 200 ? body[..200] : body);
    }

    internal static ETag ToETag(string? value) => value is null ? default : new ETag(value);
}
