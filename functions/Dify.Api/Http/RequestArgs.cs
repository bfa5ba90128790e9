using Dify.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Http;

/// <summary>Checks of common request fields, with Dify's messages.</summary>
public static class RequestArgs
{
    /// <summary>Used by read endpoints when no <c>user</c> is given, as Dify does.</summary>
    public const string DefaultUser = "DEFAULT-USER";

    public static string RequireUser(string? user) =>
        string.IsNullOrWhiteSpace(user) ? throw ApiErrors.InvalidParam("user is required") : user;

    /// <summary>True for streaming; blocking when omitted.</summary>
    public static bool IsStreaming(string? responseMode) => responseMode switch
    {
        null or "" or "blocking" => false,
        "streaming" => true,
        _ => throw ApiErrors.InvalidParam("response_mode must be one of: blocking, streaming"),
    };

    public static int Limit(HttpRequest request, int fallback, int max)
    {
        var text = request.Query["limit"].ToString();
        if (text.Length == 0) return fallback;
        if (!int.TryParse(text, out var limit) || limit < 1 || limit > max)
            throw ApiErrors.InvalidParam($"limit must be an integer between 1 and {max}");
        return limit;
    }

    public static string? Query(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }
}
