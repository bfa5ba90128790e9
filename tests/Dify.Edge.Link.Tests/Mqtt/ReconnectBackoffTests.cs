using Dify.Edge.Link.Mqtt;

namespace Dify.Edge.Link.Tests.Mqtt;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Delays_double_up_to_the_cap_within_the_jitter()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), 0.2, new Random(7));
        double[] nominal = [100, 200, 400, 800, 1000, 1000, 1000];
        var seen = new HashSet<double>();
        for (var attempt = 0; attempt < nominal.Length; attempt++)
        {
            for (var i = 0; i < 50; i++)
            {
                var ms = backoff.Delay(attempt).TotalMilliseconds;
                Assert.InRange(ms, nominal[attempt] * 0.8, nominal[attempt] * 1.2);
                seen.Add(ms);
            }
        }
        Assert.True(seen.Count > 100, "jitter should spread the delays");
        Assert.InRange(backoff.Delay(1000).TotalMilliseconds, 800, 1200);
    }
}
