using Dify.Models.Chat;

namespace Dify.Models.Configuration;

/// <summary>
/// A model's prices (configuration <c>Models:Pricing:&lt;model&gt;</c>), as Dify's model YAML gives them:
/// <c>Input</c> and <c>Output</c> per <c>Unit</c> tokens (e.g. 0.15 and 0.60 per 0.000001 = per million), in <c>Currency</c>.
/// </summary>
public sealed class ModelPriceOptions
{
    public decimal Input { get; set; }
    public decimal Output { get; set; }
    public decimal Unit { get; set; }
    public string Currency { get; set; } = "USD";
}

/// <summary>Puts prices on a call's token counts; a model without configured prices costs "0" (Dify without pricing).</summary>
public sealed class ModelPricing(IReadOnlyDictionary<string, ModelPriceOptions> prices)
{
    /// <summary>Dify quantizes amounts to 0.0000001, half up.</summary>
    private const int AmountDecimals = 7;

    /// <summary>The usage with prices of the first of <paramref name="models"/> that has any.</summary>
    public TokenUsage Price(TokenUsage usage, params ReadOnlySpan<string?> models)
    {
        foreach (var model in models)
        {
            if (string.IsNullOrWhiteSpace(model) || !prices.TryGetValue(model, out var price)) continue;
            return usage with
            {
                PromptUnitPrice = price.Input,
                PromptPriceUnit = price.Unit,
                PromptPrice = Amount(usage.PromptTokens, price.Input, price.Unit),
                CompletionUnitPrice = price.Output,
                CompletionPriceUnit = price.Unit,
                CompletionPrice = Amount(usage.CompletionTokens, price.Output, price.Unit),
                Currency = string.IsNullOrWhiteSpace(price.Currency) ? "USD" : price.Currency,
            };
        }
        return usage;
    }

    private static decimal Amount(int tokens, decimal unitPrice, decimal unit) =>
        Math.Round(tokens * unitPrice * unit, AmountDecimals, MidpointRounding.AwayFromZero);
}
