using Dify.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dify.Api.Errors;

/// <summary>
/// Answers every failure with Dify's error envelope: <see cref="ApiException"/>s as they are, Kestrel's
/// body-size rejections as 413, unknown routes as 404 not_found, anything else as 500 (logged).
/// </summary>
public sealed class ErrorEnvelopeMiddleware(RequestDelegate next, ILogger<ErrorEnvelopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.ContentType is null && context.Response.ContentLength is null
                && context.Response.StatusCode is 404 or 405)
                await WriteAsync(context, context.Response.StatusCode, context.Response.StatusCode == 404 ? "not_found" : "method_not_allowed",
                    context.Response.StatusCode == 404 ? "The requested URL was not found on the server." : "The method is not allowed for the requested URL.");
        }
        catch (ApiException ex) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, ex.Status, ex.Code, ex.Message);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                await WriteAsync(context, 413, "request_entity_too_large", ApiErrors.TooLarge().Message);
            else
                await WriteAsync(context, ex.StatusCode, "bad_request", ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (OperationCanceledException) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, 503, "service_unavailable", "The server is shutting down; the run goes on and can be read back later.");
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path.Value);
            await WriteAsync(context, 500, "internal_server_error", "The server encountered an internal error and was unable to complete your request.");
        }
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return ApiJson.WriteAsync(context.Response, ApiJson.Error(status, code, message), context.RequestAborted);
    }
}
