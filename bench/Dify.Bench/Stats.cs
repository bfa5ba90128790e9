namespace Dify.Bench;

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = p / 100.0 * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static string Describe(List<double> millis)
    {
        millis.Sort();
        return $"p50 {Percentile(millis, 50):F3} ms, p99 {Percentile(millis, 99):F3} ms (n={millis.Count})";
    }
}
