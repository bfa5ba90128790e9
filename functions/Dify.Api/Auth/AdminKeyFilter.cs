using System.Security.Cryptography;
using System.Text;
using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Dify.Api.Auth;

/// <summary>Console routes need <c>Authorization: Bearer {Admin:ApiKey}</c> (compared in constant time).</summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.ApiKey;
        var token = ApiKeyTokens.BearerToken(context.HttpContext.Request.Headers.Authorization.ToString());
        if (string.IsNullOrEmpty(expected) || token is null
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            throw ApiErrors.Unauthorized("Invalid admin key.");
        return await next(context);
    }
}
