namespace Dify.Storage.AzureStores.Tables;

/// <summary>Optimistic-concurrency retry budget: lost ETag races back off with jitter before reading again.</summary>
internal static class Contention
{
    public const int MaxAttempts = 25;

    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * Math.Min(attempt, 10)), cancellationToken);
}
