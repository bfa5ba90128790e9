using System.Text.Json.Nodes;
using Dify.Api.Auth;
using Dify.Api.Datasets;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Datasets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dify.Api.Console;

/// <summary>
/// Dataset API keys under the admin key: <c>POST/GET /datasets/api-keys</c>, <c>DELETE /datasets/api-keys/{id}</c>.
/// The token is returned once, at creation; only its hash is stored.
/// </summary>
public static class DatasetKeysEndpoints
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapPost("/datasets/api-keys", CreateAsync);
        console.MapGet("/datasets/api-keys", ListAsync);
        console.MapDelete("/datasets/api-keys/{keyId}", DeleteAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IDatasetKeyStore keys, TimeProvider time)
    {
        var token = DatasetKeyFilter.NewToken();
        var key = new DatasetKeyRecord(Guid.NewGuid().ToString(), ApiKeyTokens.Hash(token), time.GetUtcNow());
        await keys.CreateAsync(key, http.RequestAborted);
        var payload = KeyJson(key);
        payload["token"] = token;
        return ApiJson.Result(payload);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDatasetKeyStore keys)
    {
        var data = new JsonArray();
        foreach (var key in await keys.ListAsync(http.RequestAborted)) data.Add(KeyJson(key));
        return ApiJson.Result(new JsonObject { ["data"] = data });
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string keyId, IDatasetKeyStore keys) =>
        await keys.DeleteAsync(keyId, http.RequestAborted) ? Results.NoContent() : throw ApiErrors.NotFound("API key not found.");

    private static JsonObject KeyJson(DatasetKeyRecord key) => new()
    {
        ["id"] = key.Id,
        ["type"] = "dataset",
        ["token"] = null,
        ["last_used_at"] = null,
        ["created_at"] = key.CreatedAt.ToUnixTimeSeconds(),
    };
}
