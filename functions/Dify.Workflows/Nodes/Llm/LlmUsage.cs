using System.Globalization;
using System.Text.Json.Nodes;
using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Dify's LLMUsage dict: token counts from the provider's answer, prices (Decimal strings in Dify) from
/// <c>Models:Pricing</c>; "0" when the model has no configured price.
/// </summary>
public static class LlmUsage
{
    public static JsonObject ToJson(TokenUsage usage) => new()
    {
        ["prompt_tokens"] = usage.PromptTokens,
        ["prompt_unit_price"] = Price(usage.PromptUnitPrice),
        ["prompt_price_unit"] = Price(usage.PromptPriceUnit),
        ["prompt_price"] = Price(usage.PromptPrice),
        ["completion_tokens"] = usage.CompletionTokens,
        ["completion_unit_price"] = Price(usage.CompletionUnitPrice),
        ["completion_price_unit"] = Price(usage.CompletionPriceUnit),
        ["completion_price"] = Price(usage.CompletionPrice),
        ["total_tokens"] = usage.TotalTokens,
        ["total_price"] = Price(usage.TotalPrice),
        ["currency"] = usage.Currency,
        ["latency"] = Math.Round(usage.LatencySeconds, 3),
    };

    /// <summary>The node metadata Dify records next to a model call.</summary>
    public static JsonObject Metadata(TokenUsage usage) => new()
    {
        ["total_tokens"] = usage.TotalTokens,
        ["total_price"] = Price(usage.TotalPrice),
        ["currency"] = usage.Currency,
    };

    /// <summary>Dify's LLMUsage.plus: counts, amounts and latency add up; unit prices and currency are the later call's.</summary>
    public static TokenUsage Add(TokenUsage a, TokenUsage b) =>
        a.TotalTokens == 0
            ? b
            : b with
            {
                PromptTokens = a.PromptTokens + b.PromptTokens,
                CompletionTokens = a.CompletionTokens + b.CompletionTokens,
                LatencySeconds = a.LatencySeconds + b.LatencySeconds,
                PromptPrice = a.PromptPrice + b.PromptPrice,
                CompletionPrice = a.CompletionPrice + b.CompletionPrice,
            };

    private static string Price(decimal value) => value == 0 ? "0" : value.ToString(CultureInfo.InvariantCulture);
}
