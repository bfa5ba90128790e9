using System.Security.Cryptography;
using System.Text;

namespace Dify.Storage.Azure.Connection;

/// <summary>An account name and its key for Shared Key signing. The key never leaves this object (ToString hides it).</summary>
public sealed class StorageSharedKeyCredential
{
    private readonly byte[] _key;

    /// <param name="accountName">Storage account name, e.g. <c>devstoreaccount1</c>.</param>
    /// <param name="accountKey">The base64 account key.</param>
    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        try
        {
            _key = Convert.FromBase64String(accountKey);
        }
        catch (FormatException)
        {
            // Deliberately without the value: it is a secret.
            throw new ArgumentException("The account key is not valid base64.", nameof(accountKey));
        }
    }

    public string AccountName { get; }

    /// <summary>Base64 HMAC-SHA256 of <paramref name="stringToSign"/> with the account key.</summary>
    internal string Sign(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));

    public override string ToString() => $"SharedKey {AccountName}:***";
}
