namespace Dify.Api;

/// <summary>Service API settings (configuration section "Api").</summary>
public sealed class DifyApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest JSON request body accepted; bigger bodies get 413.</summary>
    public long MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Seconds between <c>event: ping</c> keep-alives on SSE streams.</summary>
    public double PingIntervalSeconds { get; set; } = 10;

    /// <summary>Runs an app may have going at once (Dify's APP_MAX_ACTIVE_REQUESTS); beyond it, 429 too_many_requests. 0 = no limit.</summary>
    public int MaxActiveRunsPerApp { get; set; }

    /// <summary>Most rows a list endpoint returns (Dify caps <c>limit</c> at 100).</summary>
    public int MaxPageLimit { get; set; } = 100;
}
