namespace Dify.Storage.Azure.Sas;

/// <summary>
/// A key the Blob service hands to an Entra ID principal (Get User Delegation Key) for signing user-delegation SAS. Its
/// <see cref="Value"/> signs URLs until <see cref="ExpiresOn"/> (at most seven days); <see cref="ToString"/> hides it.
/// </summary>
public sealed record UserDelegationKey(
    string ObjectId, string TenantId, DateTimeOffset StartsOn, DateTimeOffset ExpiresOn, string Service, string Version, string Value)
{
    public override string ToString() => $"UserDelegationKey {ObjectId} until {ExpiresOn:O} (value hidden)";
}
