using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Dify.Testing.OpenAiCompatible;

/// <summary>OpenAI's error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiErrorWriter
{
    public static async Task WriteAsync(HttpResponse response, int status, string message, string? type, string? code, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type ?? DefaultType(status));
            json.WriteNull("param");
            if (code is null)
            {
                json.WriteNull("code");
            }
            else
            {
                json.WriteString("code", code);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        response.ContentLength = stream.Length;
        await response.Body.WriteAsync(stream.GetBuffer().AsMemory(0, (int)stream.Length), ct);
    }

    private static string DefaultType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "invalid_request_error",
        404 => "invalid_request_error",
        429 => "rate_limit_exceeded",
        _ => "server_error",
    };
}
