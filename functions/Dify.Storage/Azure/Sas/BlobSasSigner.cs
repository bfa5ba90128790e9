using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dify.Storage.Azure.Connection;

namespace Dify.Storage.Azure.Sas;

/// <summary>
/// Builds blob SAS query strings in the documented formats for signed version <see cref="SignedVersion"/> (the 2020-12-06
/// layout): a service SAS signed with the account key, or a user-delegation SAS signed with a <see cref="UserDelegationKey"/>.
/// The string to sign is exposed so tests can check it field by field against the documentation.
/// </summary>
public static class BlobSasSigner
{
    /// <summary><c>sv</c>: fixed, so that a newer <c>x-ms-version</c> (whose SAS layout adds fields) never changes what we sign.</summary>
    public const string SignedVersion = "2021-12-02";

    /// <summary>Service SAS (account key): the fields of the 2020-12-06+ service SAS, newline-joined.</summary>
    public static string ServiceStringToSign(BlobSasRequest request, string accountName, string protocol) => string.Join('\n',
        Validate(request).Permissions, Time(request.StartsOn), Time(request.ExpiresOn), CanonicalizedResource(accountName, request),
        "", // signedIdentifier (no stored access policy)
        "", // signedIP
        protocol, SignedVersion, "b",
        "", // signedSnapshotTime
        "", // signedEncryptionScope
        "", "", "", "", ""); // rscc, rscd, rsce, rscl, rsct

    /// <summary>User-delegation SAS: the fields of the 2020-12-06+ user-delegation SAS, newline-joined.</summary>
    public static string UserDelegationStringToSign(BlobSasRequest request, string accountName, string protocol, UserDelegationKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Join('\n',
            Validate(request).Permissions, Time(request.StartsOn), Time(request.ExpiresOn), CanonicalizedResource(accountName, request),
            key.ObjectId, key.TenantId, Time(key.StartsOn), Time(key.ExpiresOn), key.Service, key.Version,
            "", "", "", // signedAuthorizedUserObjectId, signedUnauthorizedUserObjectId, signedCorrelationId
            "", // signedIP
            protocol, SignedVersion, "b",
            "", // signedSnapshotTime
            "", // signedEncryptionScope
            "", "", "", "", ""); // rscc, rscd, rsce, rscl, rsct
    }

    /// <summary>The query string (without '?') of a service SAS signed with <paramref name="credential"/>.</summary>
    public static string ServiceSas(BlobSasRequest request, StorageSharedKeyCredential credential, string protocol)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var signature = credential.Sign(ServiceStringToSign(request, credential.AccountName, protocol));
        return Query(request, protocol, signature, []);
    }

    /// <summary>The query string (without '?') of a user-delegation SAS signed with <paramref name="key"/>.</summary>
    public static string UserDelegationSas(BlobSasRequest request, string accountName, string protocol, UserDelegationKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (request.ExpiresOn > key.ExpiresOn)
            throw new ArgumentException($"The SAS would expire ({Time(request.ExpiresOn)}) after its user delegation key ({Time(key.ExpiresOn)}).", nameof(request));
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(key.Value);
        }
        catch (FormatException)
        {
            throw new ArgumentException("The user delegation key's value is not valid base64.", nameof(key));
        }
        var signature = Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(UserDelegationStringToSign(request, accountName, protocol, key))));
        return Query(request, protocol, signature,
        [
            ("skoid", key.ObjectId), ("sktid", key.TenantId), ("skt", Time(key.StartsOn)), ("ske", Time(key.ExpiresOn)), ("sks", key.Service), ("skv", key.Version),
        ]);
    }

    /// <summary>The account a blob endpoint belongs to: first host label (<c>acct.blob.core.windows.net</c>) or, path-style (Azurite), the first path segment.</summary>
    public static string AccountNameOf(Uri serviceUri)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        var segment = serviceUri.AbsolutePath.Trim('/').Split('/')[0];
        if (segment.Length > 0) return segment;
        var host = serviceUri.Host;
        return host.Contains('.', StringComparison.Ordinal) && !System.Net.IPAddress.TryParse(host, out _) ? host[..host.IndexOf('.', StringComparison.Ordinal)]
            : throw new ArgumentException($"Cannot tell the storage account from the endpoint '{serviceUri}'.", nameof(serviceUri));
    }

    /// <summary>ISO 8601 in UTC to the second, as SAS fields want it; empty for an absent time.</summary>
    public static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string CanonicalizedResource(string accountName, BlobSasRequest request) =>
        $"/blob/{accountName}/{request.Container}/{request.BlobName}";

    private static string Query(BlobSasRequest request, string protocol, string signature, IEnumerable<(string Name, string Value)> keyFields)
    {
        var fields = new List<(string Name, string Value)> { ("sv", SignedVersion), ("spr", protocol) };
        if (request.StartsOn is { } start) fields.Add(("st", Time(start)));
        fields.Add(("se", Time(request.ExpiresOn)));
        fields.AddRange(keyFields);
        fields.Add(("sr", "b"));
        fields.Add(("sp", request.Permissions));
        fields.Add(("sig", signature));
        return string.Join('&', fields.Select(f => f.Name + "=" + Uri.EscapeDataString(f.Value)));
    }

    private static BlobSasRequest Validate(BlobSasRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Container);
        ArgumentException.ThrowIfNullOrEmpty(request.BlobName);
        if (string.IsNullOrEmpty(request.Permissions) || request.Permissions.Any(c => !"racwdxyltmeopi".Contains(c, StringComparison.Ordinal)))
            throw new ArgumentException($"Unknown blob SAS permissions '{request.Permissions}'.", nameof(request));
        if (request.StartsOn is { } start && start >= request.ExpiresOn)
            throw new ArgumentException("A SAS must start before it expires.", nameof(request));
        return request;
    }
}
