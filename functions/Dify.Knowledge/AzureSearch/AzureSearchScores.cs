using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Knowledge.AzureSearch;

/// <summary>Azure AI Search scores turned into Dify's 0..1 scores, and result fields into the port's.</summary>
internal static class AzureSearchScores
{
    /// <summary>
    /// A cosine-metric vector hit has @search.score = 1 / (1 + (1 − cos)); this gives back cos, with negative
    /// similarity counted as no match (as Dify and the embedded index report semantic scores).
    /// </summary>
    public static double Cosine(double searchScore) => searchScore <= 0 ? 0 : Math.Clamp(2 - 1 / searchScore, 0, 1);

    /// <summary>Reciprocal rank fusion of two ranks (0: not in that list), scaled so first in both lists is 1.</summary>
    public static double Fuse(int vectorRank, int keywordRank, int k)
    {
        var sum = (vectorRank > 0 ? 1.0 / (k + vectorRank) : 0) + (keywordRank > 0 ? 1.0 / (k + keywordRank) : 0);
        return sum / (2.0 / (k + 1));
    }

    public static JsonObject? Metadata(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The segment's index_node_hash: SHA-256 of its content, as the embedded index stores it.</summary>
    public static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
