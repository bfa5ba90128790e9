using Dify.Api.Apps;
using Dify.Api.Errors;
using Dify.Storage.Apps;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Auth;

/// <summary>
/// Service API authentication: <c>Authorization: Bearer app-…</c> selects the app, which handlers read
/// with <see cref="AppContextExtensions.App"/>. A missing or unknown key is 401 and the handler never runs.
/// </summary>
public sealed class AppKeyFilter(IApiKeyStore keys, AppRegistry apps) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = ApiKeyTokens.BearerToken(http.Request.Headers.Authorization.ToString())
            ?? throw ApiErrors.Unauthorized("Authorization header must be provided and start with 'Bearer'");
        var key = await keys.FindByHashAsync(ApiKeyTokens.Hash(token), http.RequestAborted)
            ?? throw ApiErrors.Unauthorized("Access token is invalid");
        var app = await apps.GetAsync(key.AppId, http.RequestAborted) ?? throw ApiErrors.Unauthorized("Access token is invalid");
        http.Items[AppContextExtensions.Key] = app;
        return await next(context);
    }
}

public static class AppContextExtensions
{
    internal const string Key = "dify.app";

    /// <summary>The app the request's API key selected.</summary>
    public static ActiveApp App(this HttpContext context) =>
        context.Items[Key] as ActiveApp ?? throw new InvalidOperationException("The route is not behind the app key filter.");
}
