using Azure.Core;

namespace Dify.Workflows.Sandbox.AzureContainerApps;

/// <summary>Options of <see cref="AzureContainerAppsSandbox"/>: the session pool, the session to use, limits, and the pipeline (retries, transport).</summary>
public sealed class AzureContainerAppsSandboxOptions : ClientOptions
{
    public const string DefaultApiVersion = "2024-02-02-preview";

    /// <summary>The pool management endpoint, e.g. <c>https://{region}.dynamicsessions.io/subscriptions/…/sessionPools/{pool}</c>.</summary>
    public Uri? PoolManagementEndpoint { get; set; }

    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>
    /// The session (<c>identifier</c>) code runs in: sessions are isolated from each other, state in one persists between calls.
    /// Use one per app (or per run) so tenants never share an interpreter; null = a random one per sandbox instance.
    /// </summary>
    public string? SessionIdentifier { get; set; }

    /// <summary>Execution timeout sent to the service (<c>timeoutInSeconds</c>).</summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Output (stdout) larger than this fails the call, like the local sandbox's output limit.</summary>
    public int MaxOutputChars { get; set; } = 1_000_000;
}
