using System.Security.Cryptography;
using Dify.Api.Auth;
using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Datasets;

/// <summary>
/// Knowledge API authentication: <c>Authorization: Bearer dataset-…</c>, a key made by the console's dataset
/// api-keys route. A missing, unknown or non-dataset key (an app key) is 401 and the handler never runs.
/// </summary>
public sealed class DatasetKeyFilter(IDatasetKeyStore keys) : IEndpointFilter
{
    public const string Prefix = "dataset-";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewToken() => Prefix + RandomNumberGenerator.GetString(Alphabet, 24);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = ApiKeyTokens.BearerToken(http.Request.Headers.Authorization.ToString())
            ?? throw ApiErrors.Unauthorized("Authorization header must be provided and start with 'Bearer'");
        var key = token.StartsWith(Prefix, StringComparison.Ordinal) ? await keys.FindByHashAsync(ApiKeyTokens.Hash(token), http.RequestAborted) : null;
        http.Items[DatasetAccess.KeyItem] = key?.Id ?? throw ApiErrors.Unauthorized("Access token is invalid");
        return await next(context);
    }
}
