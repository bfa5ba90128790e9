namespace Dify.Cloud.Configuration;

/// <summary>
/// Section <c>Sandbox:AzureContainerApps</c>: code and template nodes run in Azure Container Apps dynamic sessions when
/// <see cref="PoolManagementEndpoint"/> is set; otherwise in the local sandbox (section <c>Sandbox</c>, needs python3/node).
/// </summary>
public sealed class CloudSandboxOptions
{
    public const string SectionName = "Sandbox:AzureContainerApps";

    public Uri? PoolManagementEndpoint { get; set; }

    /// <summary>Per-execution timeout. Default 30 s.</summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
