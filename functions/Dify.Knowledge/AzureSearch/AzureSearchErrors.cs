using System.Text.Json;
using Azure;

namespace Dify.Knowledge.AzureSearch;

/// <summary>Writing to or creating the Azure AI Search index failed. The message names the index and the HTTP status (never the key).</summary>
public sealed class AzureSearchIndexException(string indexName, int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public string IndexName { get; } = indexName;

    /// <summary>The HTTP status the service answered (0: it could not be reached; 207: some documents failed).</summary>
    public int Status { get; } = status;
}

internal static class AzureSearchErrors
{
    /// <summary>A message for users and logs: what failed, on which index, with which status, and what to check.</summary>
    public static string Describe(string indexName, string action, RequestFailedException e)
    {
        var detail = ServiceMessage(e);
        return e.Status switch
        {
            401 or 403 => $"Azure AI Search refused to {action} on index '{indexName}' (HTTP {e.Status}): check the API key, or the identity's Search Index Data roles.{detail}",
            404 => $"Azure AI Search could not {action}: index '{indexName}' was not found (HTTP 404); create it with EnsureIndexAsync.{detail}",
            429 or 503 => $"Azure AI Search could not {action} on index '{indexName}': the service is throttling or unavailable (HTTP {e.Status}), even after retries.{detail}",
            0 => $"Azure AI Search could not {action} on index '{indexName}': the service could not be reached ({FirstLine(e.Message)}).",
            _ => $"Azure AI Search could not {action} on index '{indexName}' (HTTP {e.Status}{(e.ErrorCode is { } c ? ", " + c : "")}).{detail}",
        };
    }

    public static AzureSearchIndexException Index(string indexName, string action, RequestFailedException e) =>
        new(indexName, e.Status, Describe(indexName, action, e), e);

    /// <summary>error.message of the service's JSON error body, if any.</summary>
    private static string ServiceMessage(RequestFailedException e)
    {
        try
        {
            var content = e.GetRawResponse()?.Content;
            if (content is null || content.ToMemory().Length == 0) return "";
            using var json = JsonDocument.Parse(content.ToMemory());
            if (json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
                return " " + (text.Length > 300 ? text[..300] + "…" : text);
        }
        catch (JsonException)
        {
        }
        return "";
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOfAny(['\r', '\n']);
        return i < 0 ? text : text[..i];
    }
}
