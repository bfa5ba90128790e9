using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Http;

/// <summary>Reading JSON bodies (size-limited, errors as envelopes) and writing JSON answers.</summary>
public static class ApiJson
{
    /// <summary>Unicode is written as is (like Dify's ensure_ascii=False); never mutated after start-up.</summary>
    public static JsonSerializerOptions WriteOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Error(int status, string code, string message) =>
        new() { ["code"] = code, ["message"] = message, ["status"] = status };

    public static async Task WriteAsync(HttpResponse response, JsonNode node, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json";
        await response.WriteAsync(node.ToJsonString(WriteOptions), cancellationToken);
    }

    public static IResult Result(JsonNode node, int status = StatusCodes.Status200OK) => new JsonNodeResult(node, status);

    public static IResult Success() => Result(new JsonObject { ["result"] = "success" });

    /// <summary>Reads and deserializes the body; 413 beyond <paramref name="maxBytes"/>, 400 invalid_param when it is not valid JSON of the shape.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, long maxBytes, CancellationToken cancellationToken) where T : class
    {
        if (request.ContentLength > maxBytes) throw ApiErrors.TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw ApiErrors.TooLarge();
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw ApiErrors.InvalidParam("The request body must be a JSON object.");
        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type)
                ?? throw ApiErrors.InvalidParam("The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw ApiErrors.InvalidParam("Invalid JSON body: " + ex.Message);
        }
    }

    private sealed class JsonNodeResult(JsonNode node, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            return WriteAsync(httpContext.Response, node, httpContext.RequestAborted);
        }
    }
}
