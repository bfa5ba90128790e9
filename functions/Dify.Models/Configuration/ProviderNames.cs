namespace Dify.Models.Configuration;

/// <summary>Normalises Dify provider ids: <c>langgenius/openai/openai</c> → <c>openai</c>.</summary>
public static class ProviderNames
{
    /// <summary>Last '/'-separated segment, trimmed and lower-cased; "" for null/blank.</summary>
    public static string Normalize(string? provider)
    {
        if (string.IsNullOrWhiteSpace(provider))
        {
            return "";
        }

        var trimmed = provider.Trim().TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return (slash >= 0 ? trimmed[(slash + 1)..] : trimmed).Trim().ToLowerInvariant();
    }
}
