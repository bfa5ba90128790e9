using System.ClientModel.Primitives;
using System.Globalization;

namespace Dify.Models.OpenAi;

/// <summary>
/// The SDK's retry policy (retries 408/429/5xx and network errors) with a configurable base delay:
/// delay = max(server's retry-after-ms / Retry-After (capped), base × 2^(try-1) × jitter 0.8–1.2), capped at 30 s.
/// </summary>
internal sealed class BackoffRetryPolicy(int maxRetries, TimeSpan baseDelay) : ClientRetryPolicy(maxRetries)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var exponent = Math.Clamp(tryCount - 1, 0, 16);
        var backoff = baseDelay * Math.Pow(2, exponent) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var server = ServerDelay(message.Response);
        var delay = server is { } s && s > backoff ? s : backoff;
        return delay > MaxDelay ? MaxDelay : delay;
    }

    private static TimeSpan? ServerDelay(PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        if (response.Headers.TryGetValue("Retry-After", out var retryAfter) && !string.IsNullOrWhiteSpace(retryAfter))
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }
}
