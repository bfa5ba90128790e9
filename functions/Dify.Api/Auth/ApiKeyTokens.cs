using System.Security.Cryptography;
using System.Text;

namespace Dify.Api.Auth;

/// <summary>API key tokens: <c>app-</c> + 24 random alphanumerics; stored only as their SHA-256 hash.</summary>
public static class ApiKeyTokens
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewAppToken() => "app-" + RandomNumberGenerator.GetString(Alphabet, 24);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The token of an <c>Authorization: Bearer TOKEN</c> header, or null.</summary>
    public static string? BearerToken(string? header)
    {
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[7..].Trim();
        return token.Length == 0 ? null : token;
    }
}
