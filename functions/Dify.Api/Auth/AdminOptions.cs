namespace Dify.Api.Auth;

/// <summary>Console (admin) settings, section "Admin". The host fills <see cref="ApiKey"/> (generated once when unset).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>Bearer token required by /console/api routes.</summary>
    public string? ApiKey { get; set; }
}
