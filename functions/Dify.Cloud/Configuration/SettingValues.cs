namespace Dify.Cloud.Configuration;

/// <summary>Reading app settings the way the platform hands them over.</summary>
public static class SettingValues
{
    /// <summary>
    /// A Key Vault reference that the platform could not resolve (the secret does not exist yet) reaches the app as its
    /// literal <c>@Microsoft.KeyVault(...)</c> text; such a value, or an empty one, counts as unset.
    /// </summary>
    public static string? OrNull(string? value) =>
        string.IsNullOrWhiteSpace(value) || value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) ? null : value;
}
