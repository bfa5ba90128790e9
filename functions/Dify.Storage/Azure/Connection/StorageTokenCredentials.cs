using Azure.Core;
using Azure.Identity;

namespace Dify.Storage.Azure.Connection;

/// <summary>
/// Entra ID credentials for the token constructors of the store clients (the app setting pair
/// <c>__credential=managedidentity</c> / <c>__clientId</c> of identity-based Functions connections).
/// </summary>
public static class StorageTokenCredentials
{
    /// <summary>
    /// <see cref="DefaultAzureCredential"/>: managed identity in Azure (the user-assigned one when
    /// <paramref name="managedIdentityClientId"/> is given), developer sign-in (Azure CLI, azd, Visual Studio) locally.
    /// </summary>
    public static TokenCredential Default(string? managedIdentityClientId = null) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });

    /// <summary>Managed identity only: system-assigned, or user-assigned by <paramref name="clientId"/>.</summary>
    public static TokenCredential ManagedIdentity(string? clientId = null) =>
        clientId is null
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
}
