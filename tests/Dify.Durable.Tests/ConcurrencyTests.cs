using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Dify.Durable.Tests;

public sealed class ConcurrencyTests(ITestOutputHelper output) : RuntimeTestBase(output)
{
    [Fact]
    public async Task Hundreds_of_concurrent_orchestrations_all_complete_with_their_own_results()
    {
        const int Instances = 300;
        var runtime = NewRuntime();
        runtime.RegisterActivity("add", async (_, input, _) =>
        {
            await Task.Yield();
            var pair = (int[])input!;
            return pair[0] + pair[1];
        });
        runtime.RegisterOrchestrator("sum", async (ctx, input) =>
        {
            var n = int.Parse(input!, CultureInfo.InvariantCulture);
            var total = 0;
            for (var i = 0; i < 3; i++)
            {
                total = await ctx.CallActivityAsync<int>("add", new[] { total, n });
            }
            var parallel = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ctx.CallActivityAsync<int>("add", new[] { total, i })));
            return parallel.Sum().ToString(CultureInfo.InvariantCulture);
        });

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Instances).Select(i =>
            runtime.StartOrchestrationAsync("sum", $"many-{i}", i.ToString(CultureInfo.InvariantCulture), Timeout())));
        var states = await Task.WhenAll(Enumerable.Range(0, Instances).Select(i => runtime.WaitForCompletionAsync($"many-{i}", Timeout(60))));
        watch.Stop();
        Output.WriteLine($"{Instances} runs of 7 activities in {watch.ElapsedMilliseconds} ms ({Instances / watch.Elapsed.TotalSeconds:F0} runs/s)");

        for (var i = 0; i < Instances; i++)
        {
            Assert.Equal(OrchestrationStatus.Completed, states[i].Status);
            Assert.Equal(((3 * i * 4) + 6).ToString(CultureInfo.InvariantCulture), states[i].Output);
        }
        Assert.True((await runtime.VerifyReplayAsync("many-17", Timeout())).IsMatch);
    }

    [Fact]
    public async Task Throughput_smoke_of_sequential_activities()
    {
        const int Activities = 1000;
        var runtime = NewRuntime();
        runtime.RegisterActivity("noop", (_, input, _) => Task.FromResult(input));
        runtime.RegisterOrchestrator("chain", async (ctx, _) =>
        {
            var value = 0;
            for (var i = 0; i < Activities; i++)
            {
                value = await ctx.CallActivityAsync<int>("noop", value + 1);
            }
            return value.ToString(CultureInfo.InvariantCulture);
        });
        await RunAsync(runtime, "chain", "warm-up"); // JIT and SQLite warm-up

        var watch = Stopwatch.StartNew();
        var state = await RunAsync(runtime, "chain", "chain-1");
        watch.Stop();

        Assert.Equal(Activities.ToString(CultureInfo.InvariantCulture), state.Output);
        Output.WriteLine($"{Activities} sequential activities: {watch.Elapsed.TotalMilliseconds:F0} ms, " +
            $"{watch.Elapsed.TotalMilliseconds / Activities:F3} ms per activity (engine overhead incl. one SQLite commit each)");
        var replay = Stopwatch.StartNew();
        var check = await runtime.VerifyReplayAsync("chain-1", Timeout());
        replay.Stop();
        Assert.True(check.IsMatch);
        Output.WriteLine($"replay of {check.DecisionsCompared} decisions: {replay.Elapsed.TotalMilliseconds:F0} ms");
    }
}
