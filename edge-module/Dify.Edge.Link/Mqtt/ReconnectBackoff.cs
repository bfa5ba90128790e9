namespace Dify.Edge.Link.Mqtt;

/// <summary>Exponential backoff with jitter: initial * 2^attempt, capped, scaled by a random factor around 1.</summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter, Random random)
{
    public TimeSpan Delay(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt, 0), 30);
        var ticks = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, exponent));
        var factor = 1 + jitter * (2 * random.NextDouble() - 1);
        return TimeSpan.FromTicks((long)(ticks * factor));
    }
}
