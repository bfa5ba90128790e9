using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Sas;

namespace Dify.Storage.Azure.Blobs;

/// <summary>Shared access signatures: URLs that let a caller without credentials (a device, a browser) reach one blob for a while.</summary>
public sealed partial class BlobStoreClient
{
    /// <summary>The service issues user delegation keys for at most seven days.</summary>
    public static readonly TimeSpan MaxUserDelegationKeyLifetime = TimeSpan.FromDays(7);

    // The latest user delegation key; reused while it outlives the SAS asked for (one key request per few days, not per URL).
    private UserDelegationKey? _delegationKey;

    /// <summary>
    /// A URL of the blob carrying a SAS for <paramref name="request"/>: a service SAS signed with the account key when the
    /// client uses Shared Key (connection strings, Azurite), or a user-delegation SAS when it signs in with Entra ID (the key
    /// is requested from the service and reused). A client authenticated by a SAS of its own cannot issue new ones.
    /// </summary>
    public async Task<Uri> GetSasUriAsync(BlobSasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var protocol = ServiceUri.Scheme == "https" ? "https" : "https,http";
        var query = _credential switch
        {
            StorageSharedKeyCredential key => BlobSasSigner.ServiceSas(request, key, protocol),
            TokenCredential => BlobSasSigner.UserDelegationSas(request, BlobSasSigner.AccountNameOf(ServiceUri), protocol,
                await DelegationKeyForAsync(request.ExpiresOn, cancellationToken).ConfigureAwait(false)),
            _ => throw new NotSupportedException(
                "Read URLs need the account key (a connection string with AccountKey, or Azurite) or an Entra ID identity with Storage Blob Delegator rights; this client was given neither."),
        };
        return new Uri($"{ServiceUri.AbsoluteUri.TrimEnd('/')}/{BlobPaths.Blob(request.Container, request.BlobName)}?{query}");
    }

    /// <summary>Get User Delegation Key (<c>POST ?restype=service&amp;comp=userdelegationkey</c>, Entra ID only): a key valid from <paramref name="startsOn"/> to <paramref name="expiresOn"/>.</summary>
    public async Task<UserDelegationKey> GetUserDelegationKeyAsync(DateTimeOffset startsOn, DateTimeOffset expiresOn, CancellationToken cancellationToken = default)
    {
        if (_credential is not TokenCredential)
            throw new NotSupportedException("User delegation keys are issued only to Entra ID callers (this client does not use a token credential).");
        if (expiresOn <= startsOn || expiresOn - startsOn > MaxUserDelegationKeyLifetime + TimeSpan.FromMinutes(10))
            throw new ArgumentException("A user delegation key must expire after it starts and within seven days.", nameof(expiresOn));
        using var message = _pipeline.CreateMessage(RequestMethod.Post, "");
        message.Request.Uri.AppendQuery("restype", "service");
        message.Request.Uri.AppendQuery("comp", "userdelegationkey");
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        var body = new XElement("KeyInfo", new XElement("Start", BlobSasSigner.Time(startsOn)), new XElement("Expiry", BlobSasSigner.Time(expiresOn)));
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + body.ToString(SaveOptions.DisableFormatting)));
        var response = await _pipeline.SendAsync(message, [200], cancellationToken).ConfigureAwait(false);
        var root = (await XDocument.LoadAsync(response.ContentStream!, LoadOptions.None, cancellationToken).ConfigureAwait(false)).Root;
        string Field(string name) => root?.Element(name)?.Value is { Length: > 0 } v ? v
            : throw new StorageRequestException(response.Status, null, null, $"The user delegation key answer has no {name}.");
        return new UserDelegationKey(Field("SignedOid"), Field("SignedTid"), ParseTime(Field("SignedStart")), ParseTime(Field("SignedExpiry")),
            Field("SignedService"), Field("SignedVersion"), Field("Value"));
    }

    private async Task<UserDelegationKey> DelegationKeyForAsync(DateTimeOffset sasExpiresOn, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (_delegationKey is { } cached && cached.ExpiresOn >= sasExpiresOn && cached.StartsOn <= now) return cached;
        var startsOn = now.AddMinutes(-5); // clock skew between us and the service
        var longest = now + MaxUserDelegationKeyLifetime;
        if (sasExpiresOn > longest)
            throw new ArgumentException($"A user-delegation SAS can last at most seven days; {BlobSasSigner.Time(sasExpiresOn)} is later.", nameof(sasExpiresOn));
        // A little longer than asked, so that the next few URLs reuse the key.
        var expiresOn = sasExpiresOn + TimeSpan.FromDays(1) < longest ? sasExpiresOn + TimeSpan.FromDays(1) : longest;
        var key = await GetUserDelegationKeyAsync(startsOn, expiresOn, cancellationToken).ConfigureAwait(false);
        _delegationKey = key;
        return key;
    }

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
