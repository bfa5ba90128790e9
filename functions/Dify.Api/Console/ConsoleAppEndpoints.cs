using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Apps;
using Dify.Workflows.Dsl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Dify.Api.Console;

/// <summary>
/// The admin subset of Dify's console API: import (<c>POST /apps/imports</c>), list, export, delete
/// apps, create and delete API keys. Behind the admin key.
/// </summary>
public static class ConsoleAppEndpoints
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapPost("/apps/imports", ImportAsync);
        console.MapGet("/apps", ListAsync);
        console.MapGet("/apps/{appId}", GetAsync);
        console.MapGet("/apps/{appId}/export", ExportAsync);
        console.MapDelete("/apps/{appId}", DeleteAsync);
        console.MapPost("/apps/{appId}/api-keys", CreateKeyAsync);
        console.MapGet("/apps/{appId}/api-keys", ListKeysAsync);
        console.MapDelete("/apps/{appId}/api-keys/{keyId}", DeleteKeyAsync);
    }

    private static async Task<IResult> ImportAsync(HttpContext http, AppRegistry apps, IOptions<DifyApiOptions> options)
    {
        var body = await ApiJson.ReadAsync(http.Request, RequestJsonContext.Default.AppImportBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        if (body.Mode != "yaml-content") throw ApiErrors.InvalidParam("mode must be yaml-content (yaml-url is not supported here)");
        if (string.IsNullOrEmpty(body.YamlContent)) throw ApiErrors.InvalidParam("yaml_content is required when mode is yaml-content");
        var result = await apps.ImportAsync(body.YamlContent, http.RequestAborted);
        var payload = new JsonObject
        {
            ["id"] = result.ImportId,
            ["status"] = result.Status.ToDify(),
            ["app_id"] = result.App?.Id,
            ["app_mode"] = result.AppMode,
            ["current_dsl_version"] = result.CurrentVersion,
            ["imported_dsl_version"] = result.ImportedVersion ?? "",
            ["error"] = result.Error,
        };
        return ApiJson.Result(payload, result.Status == DslImportStatus.Failed ? 400 : result.Status == DslImportStatus.Pending ? 202 : 200);
    }

    private static async Task<IResult> ListAsync(HttpContext http, AppRegistry apps)
    {
        var page = int.TryParse(RequestArgs.Query(http.Request, "page"), out var p) && p > 0 ? p : 1;
        var limit = RequestArgs.Limit(http.Request, 20, 100);
        var all = await apps.ListAsync(http.RequestAborted);
        var data = new JsonArray();
        foreach (var app in all.Skip((page - 1) * limit).Take(limit)) data.Add(AppJson(app));
        return ApiJson.Result(new JsonObject { ["page"] = page, ["limit"] = limit, ["total"] = all.Count, ["has_more"] = page * limit < all.Count, ["data"] = data });
    }

    private static async Task<IResult> GetAsync(HttpContext http, string appId, AppRegistry apps)
    {
        var app = await apps.GetAsync(appId, http.RequestAborted) ?? throw ApiErrors.NotFound("App not found.");
        return ApiJson.Result(AppJson(app.Record));
    }

    private static async Task<IResult> ExportAsync(HttpContext http, string appId, AppRegistry apps, DslExporter exporter)
    {
        var app = await apps.GetAsync(appId, http.RequestAborted) ?? throw ApiErrors.NotFound("App not found.");
        var includeSecret = RequestArgs.Query(http.Request, "include_secret") is "true" or "True" or "1";
        return ApiJson.Result(new JsonObject { ["data"] = exporter.Export(app.Definition.Document, includeSecret) });
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string appId, AppRegistry apps) =>
        await apps.DeleteAsync(appId, http.RequestAborted) ? Results.NoContent() : throw ApiErrors.NotFound("App not found.");

    private static async Task<IResult> CreateKeyAsync(HttpContext http, string appId, AppRegistry apps)
    {
        _ = await apps.GetAsync(appId, http.RequestAborted) ?? throw ApiErrors.NotFound("App not found.");
        var (key, token) = await apps.CreateKeyAsync(appId, http.RequestAborted);
        var payload = KeyJson(key);
        payload["token"] = token;
        return ApiJson.Result(payload, StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListKeysAsync(HttpContext http, string appId, AppRegistry apps, IApiKeyStore keys)
    {
        _ = await apps.GetAsync(appId, http.RequestAborted) ?? throw ApiErrors.NotFound("App not found.");
        var data = new JsonArray();
        foreach (var key in await keys.ListAsync(appId, http.RequestAborted)) data.Add(KeyJson(key));
        return ApiJson.Result(new JsonObject { ["data"] = data });
    }

    private static async Task<IResult> DeleteKeyAsync(HttpContext http, string appId, string keyId, AppRegistry apps) =>
        await apps.DeleteKeyAsync(appId, keyId, http.RequestAborted) ? Results.NoContent() : throw ApiErrors.NotFound("API key not found.");

    /// <summary>The token is only known at creation (only its hash is stored), so listings leave it out.</summary>
    private static JsonObject KeyJson(ApiKeyRecord key) => new()
    {
        ["id"] = key.Id,
        ["type"] = key.Type,
        ["token"] = null,
        ["last_used_at"] = null,
        ["created_at"] = key.CreatedAt.ToUnixTimeSeconds(),
    };

    private static JsonObject AppJson(AppRecord app) => new()
    {
        ["id"] = app.Id,
        ["name"] = app.Name,
        ["description"] = app.Description,
        ["mode"] = app.Mode,
        ["workflow_id"] = app.VersionKey,
        ["created_at"] = app.CreatedAt.ToUnixTimeSeconds(),
        ["updated_at"] = app.UpdatedAt.ToUnixTimeSeconds(),
    };
}
