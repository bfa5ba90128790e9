using System.Text.Json.Nodes;
using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Dify's LLMUsage dict. Prices are Decimal strings in Dify; we do not price models, so they are "0" in USD.
/// </summary>
public static class LlmUsage
{
    public static JsonObject ToJson(TokenUsage usage) => new()
    {
        ["prompt_tokens"] = usage.PromptTokens,
        ["prompt_unit_price"] = "0",
        ["prompt_price_unit"] = "0",
        ["prompt_price"] = "0",
        ["completion_tokens"] = usage.CompletionTokens,
        ["completion_unit_price"] = "0",
        ["completion_price_unit"] = "0",
        ["completion_price"] = "0",
        ["total_tokens"] = usage.TotalTokens,
        ["total_price"] = "0",
        ["currency"] = "USD",
        ["latency"] = Math.Round(usage.LatencySeconds, 3),
    };

    /// <summary>The node metadata Dify records next to a model call.</summary>
    public static JsonObject Metadata(TokenUsage usage) => new()
    {
        ["total_tokens"] = usage.TotalTokens,
        ["total_price"] = "0",
        ["currency"] = "USD",
    };

    public static TokenUsage Add(TokenUsage a, TokenUsage b) =>
        new(a.PromptTokens + b.PromptTokens, a.CompletionTokens + b.CompletionTokens, a.LatencySeconds + b.LatencySeconds);
}
