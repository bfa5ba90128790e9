namespace Dify.Api.Errors;

/// <summary>An error answered with Dify's envelope <c>{"code","message","status"}</c>.</summary>
public sealed class ApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}
