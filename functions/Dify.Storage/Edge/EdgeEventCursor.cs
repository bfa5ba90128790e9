using System.Text;

namespace Dify.Storage.Edge;

/// <summary>Continuation tokens are opaque to callers: base64url of the adapter's own position text.</summary>
internal static class EdgeEventCursor
{
    public static string Encode(string position) => Convert.ToBase64String(Encoding.UTF8.GetBytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position text; <see cref="ArgumentException"/> when the token was not made by <see cref="Encode"/>.</summary>
    public static string Decode(string token)
    {
        var text = token.Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            throw new ArgumentException("The continuation token is not one this store issued.", nameof(token));
        }
    }
}
