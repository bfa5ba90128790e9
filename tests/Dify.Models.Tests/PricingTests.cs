using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Models.Tests;

/// <summary>Usage priced from Models:Pricing on the token counts the server reported (streaming and not).</summary>
public sealed class PricingTests
{
    private static void PriceMini(ModelsOptions o) =>
        o.Pricing["gpt-4o-mini"] = new ModelPriceOptions { Input = 0.15m, Output = 0.60m, Unit = 0.000001m, Currency = "USD" };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_priced_model_reports_unit_prices_and_amounts_rounded_to_seven_decimals(bool stream)
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "ok", PromptTokens = 1001, CompletionTokens = 333 };
        var models = TestModels.For(server, PriceMini);

        var result = await models.Chat.CompleteAsync(TestModels.Ask("hi"), stream ? _ => ValueTask.CompletedTask : null, CancellationToken.None);

        Assert.Equal((1001, 333), (result.Usage.PromptTokens, result.Usage.CompletionTokens));
        Assert.Equal((0.15m, 0.000001m, 0.60m, "USD"), (result.Usage.PromptUnitPrice, result.Usage.PromptPriceUnit, result.Usage.CompletionUnitPrice, result.Usage.Currency));
        Assert.Equal(0.0001502m, result.Usage.PromptPrice);      // 0.00015015 rounds half up
        Assert.Equal(0.0001998m, result.Usage.CompletionPrice);
        Assert.Equal(0.0003500m, result.Usage.TotalPrice);
    }

    [Fact]
    public async Task An_unpriced_model_keeps_its_token_counts_and_costs_nothing()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        server.Responder = _ => new ChatReply { Text = "ok", PromptTokens = 10, CompletionTokens = 2 };
        var models = TestModels.For(server, PriceMini);

        var result = await models.Chat.CompleteAsync(TestModels.Ask("hi", model: "llama3.2"), null, CancellationToken.None);

        Assert.Equal(12, result.Usage.TotalTokens);
        Assert.Equal(0m, result.Usage.TotalPrice);
        Assert.Equal(0m, result.Usage.PromptUnitPrice);
    }
}
