using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Dify.Cloud.Http;

/// <summary>
/// Routes the cloud composition does not serve yet, answered with Dify's error envelope, 501 <c>not_supported</c>,
/// naming the route, instead of a 404 or a half-working feature: the Dataset API routes that edit child chunks and the
/// embedding model list. (Tags and metadata fields are served: Table storage keeps them, AI Search the values' copies.)
/// </summary>
public sealed class UnsupportedCloudRoutes(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (Unsupported(context.Request.Path) is { } route)
            throw NotSupported($"{context.Request.Method} {route} is not supported in the Azure deployment yet.");
        return next(context);
    }

    /// <summary>The route's pattern when the Azure deployment does not serve it, else null.</summary>
    public static string? Unsupported(PathString path)
    {
        if (path.StartsWithSegments("/v1/workspaces/current/models/model-types/text-embedding")) return "/v1/workspaces/current/models/model-types/text-embedding";
        if (!path.StartsWithSegments("/v1/datasets", out var rest)) return null;
        var s = (rest.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return s switch
        {
            [_, "documents", _, "segments", _, "child_chunks", ..] => "/v1/datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}/child_chunks",
            _ => null,
        };
    }

    public static ApiException NotSupported(string message) => new(501, "not_supported", message);
}
