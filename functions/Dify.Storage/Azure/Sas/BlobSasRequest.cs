namespace Dify.Storage.Azure.Sas;

/// <summary>What a blob SAS grants: <see cref="Permissions"/> (Blob letters in the documented order, e.g. <c>r</c>, <c>rw</c>) on one blob, from <see cref="StartsOn"/> to <see cref="ExpiresOn"/>.</summary>
public sealed record BlobSasRequest(string Container, string BlobName, string Permissions, DateTimeOffset ExpiresOn, DateTimeOffset? StartsOn = null)
{
    /// <summary>Read only.</summary>
    public static BlobSasRequest Read(string container, string blobName, DateTimeOffset expiresOn, DateTimeOffset? startsOn = null) =>
        new(container, blobName, "r", expiresOn, startsOn);
}
