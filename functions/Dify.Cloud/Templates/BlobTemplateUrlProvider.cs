using Dify.Cloud.Configuration;
using Dify.IoTHub.Templates;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Sas;
using Dify.Storage.AzureStores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Cloud.Templates;

/// <summary>
/// Read URLs for templates too large for a module twin: the DSL lives (or is written, when missing) at the app store's own
/// version blob in the templates container (<c>versions/{sha256(key)}.yml</c>, which the template trigger skips), and the
/// device gets a read-only SAS URL of it that expires after <see cref="CloudIoTHubOptions.TemplateUrlLifetime"/>. The SAS is
/// signed with the account key (connection string, Azurite) or a user delegation key (the app's identity in Azure).
/// </summary>
public sealed class BlobTemplateUrlProvider(AzureStoreAccount account, IOptions<CloudIoTHubOptions> options, TimeProvider time, ILogger<BlobTemplateUrlProvider> logger)
    : IBlobUrlProvider
{
    public async Task<Uri> GetReadUrlAsync(string templateId, string versionKey, string dsl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(versionKey);
        ArgumentNullException.ThrowIfNull(dsl);
        var container = account.Options.TemplatesContainer;
        var blob = TableAppStore.TemplateBlobName(versionKey);
        try
        {
            await account.Blobs.GetPropertiesAsync(container, blob, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageRequestException e) when (e.Status == 404)
        {
            // Not imported through the app store (or its blob was removed): write the exact DSL being published.
            await account.Blobs.PutAsync(container, blob, BinaryData.FromString(dsl), new BlobPutOptions { ContentType = "application/yaml; charset=utf-8" }, cancellationToken).ConfigureAwait(false);
        }
        var lifetime = options.Value.TemplateUrlLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(7))
            throw new InvalidOperationException($"IoTHub:TemplateUrlLifetime must be more than zero and at most 7 days (the longest a user-delegation SAS may last); it is {lifetime}.");
        var now = time.GetUtcNow();
        var url = await account.Blobs.GetSasUriAsync(BlobSasRequest.Read(container, blob, now + lifetime, now.AddMinutes(-5)), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Template {TemplateId} is sent to devices as a read URL of {Container}/{Blob}, valid until {ExpiresOn}", templateId, container, blob, now + lifetime);
        return url;
    }
}
