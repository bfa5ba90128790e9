using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Datasets;

/// <summary>Reading the Knowledge API's JSON bodies as objects, with typed field access that answers 400 invalid_param.</summary>
internal static class JsonArgs
{
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw ApiErrors.TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw ApiErrors.TooLarge();
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return [];
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static JsonObject Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject ?? throw ApiErrors.InvalidParam("The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw ApiErrors.InvalidParam("Invalid JSON body: " + ex.Message);
        }
    }

    public static string? String(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw ApiErrors.InvalidParam($"{name} must be a string"),
    };

    public static string RequiredString(JsonObject o, string name) =>
        String(o, name) is { Length: > 0 } s ? s : throw ApiErrors.InvalidParam($"{name} is required");

    public static bool? Bool(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw ApiErrors.InvalidParam($"{name} must be a boolean"),
    };

    public static int? Int(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue => (int)d,
        _ => throw ApiErrors.InvalidParam($"{name} must be an integer"),
    };

    public static double? Double(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        _ => throw ApiErrors.InvalidParam($"{name} must be a number"),
    };

    public static JsonObject? Object(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonObject x => x,
        _ => throw ApiErrors.InvalidParam($"{name} must be an object"),
    };

    public static JsonArray? Array(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonArray x => x,
        _ => throw ApiErrors.InvalidParam($"{name} must be a list"),
    };

    /// <summary>page (from 1) and limit (1..max) of a list request.</summary>
    public static (int Page, int Limit) Paging(HttpRequest request, int fallbackLimit = 20, int maxLimit = 100)
    {
        var page = 1;
        if (request.Query["page"].ToString() is { Length: > 0 } p && (!int.TryParse(p, out page) || page < 1))
            throw ApiErrors.InvalidParam("page must be a positive integer");
        var limit = Http.RequestArgs.Limit(request, fallbackLimit, maxLimit);
        return (page, limit);
    }

    /// <summary>Dify's list envelope over an already filtered list.</summary>
    public static JsonObject Page<T>(IReadOnlyList<T> all, int page, int limit, Func<T, JsonNode> map)
    {
        var data = new JsonArray();
        foreach (var item in all.Skip((page - 1) * limit).Take(limit)) data.Add(map(item));
        return new JsonObject { ["data"] = data, ["has_more"] = (long)page * limit < all.Count, ["limit"] = limit, ["total"] = all.Count, ["page"] = page };
    }
}
