using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;
using Xunit.Abstractions;

namespace Dify.Workflows.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
public sealed class SandboxConcurrencyTests(SandboxFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Hundred_parallel_calls_across_languages_all_get_their_own_answer()
    {
        var calls = Enumerable.Range(0, 100).Select(async i =>
        {
            var inputs = new JsonObject { ["n"] = i };
            return (i % 3) switch
            {
                0 => (i, await fixture.RunAsync(CodeLanguage.Python3, "def main(n):\n    return {'v': n * 2}", inputs)),
                1 => (i, await fixture.RunAsync(CodeLanguage.JavaScript, "function main({n}) { return { v: n * 2 }; }", inputs)),
                _ => (i, JsonNode.Parse("{\"v\":" + (await fixture.RunAsync(CodeLanguage.Jinja2, "{{ n * 2 }}", inputs))!.GetValue<string>() + "}")),
            };
        });

        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal(r.i * 2, r.Item2!["v"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData(CodeLanguage.Python3, "def main(a, b):\n    return {'sum': a + b}")]
    [InlineData(CodeLanguage.JavaScript, "function main({a, b}) { return { sum: a + b }; }")]
    [InlineData(CodeLanguage.Jinja2, "{{ a }} + {{ b }}")]
    public async Task Measures_warm_latency(CodeLanguage language, string code)
    {
        var inputs = new JsonObject { ["a"] = 1, ["b"] = 2 };
        for (var i = 0; i < 20; i++) await fixture.RunAsync(language, code, inputs); // warm both workers

        var samples = new double[200];
        for (var i = 0; i < samples.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await fixture.RunAsync(language, code, inputs);
            samples[i] = watch.Elapsed.TotalMilliseconds;
            Assert.NotNull(result);
        }

        Array.Sort(samples);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{language}: warm p50 {samples[100]:0.000} ms, p99 {samples[197]:0.000} ms, max {samples[^1]:0.000} ms over {samples.Length} calls"));
    }
}
