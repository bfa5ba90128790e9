using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Dify.Cloud.Http;

/// <summary>
/// Routes the cloud composition does not serve yet, answered with a clear 501 instead of a 404 or a half-working
/// feature: the Dataset (Knowledge) API, whose backend is the embedded SQLite index (in Azure, documents arrive through
/// the <c>documents</c> container instead).
/// </summary>
public sealed class UnsupportedCloudRoutes(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1/datasets") || path.StartsWithSegments("/console/api/datasets"))
            throw NotSupported("The Dataset API is not supported by the Azure deployment yet; upload documents to the 'documents' container (documents/{dataset_id}/{name}) instead.");
        return next(context);
    }

    public static ApiException NotSupported(string message) => new(501, "not_supported", message);
}
