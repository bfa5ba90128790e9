namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>
/// A failure of the http-request node. <see cref="NodeExecutionException.ErrorType"/> carries Dify's
/// exception class name (InvalidURLError, AuthorizationConfigError, RequestBodyError, FileFetchError,
/// ResponseSizeError, HttpRequestNodeError) because users branch on error_type.
/// </summary>
internal static class HttpErrors
{
    public static NodeExecutionException InvalidUrl(string message) => new(message, "InvalidURLError");
    public static NodeExecutionException Authorization(string message) => new(message, "AuthorizationConfigError");
    public static NodeExecutionException Body(string message) => new(message, "RequestBodyError");
    public static NodeExecutionException FileFetch(string message) => new(message, "FileFetchError");
    public static NodeExecutionException ResponseSize(string message) => new(message, "ResponseSizeError");
    public static NodeExecutionException Request(string message, Exception? inner = null) => new(message, "HttpRequestNodeError", inner);
}
