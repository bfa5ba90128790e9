using System.Net;
using Dify.IoTHub.Templates;
using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;

namespace Dify.Cloud.Tests;

/// <summary>Templates over the twin's inline limit reach devices as read-only, expiring SAS URLs of their blob (Azurite checks the SAS).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TemplateUrlTests(AzuriteFixture azurite)
{
    private static readonly HttpClient Device = new(); // no credentials, as on the device

    private static string LargeDsl() => CloudApps.LlmCodeIfElse + "\n# " + new string('x', 20_000) + "\n";

    [Fact]
    public async Task A_large_template_is_readable_by_url_without_credentials_and_only_read()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var dsl = LargeDsl();
        var url = await cloud.Get<IBlobUrlProvider>().GetReadUrlAsync("t1", "key-" + Guid.NewGuid().ToString("N"), dsl, CancellationToken.None);

        Assert.Equal(dsl, await Device.GetStringAsync(url));
        Assert.Contains("sp=r&", url.Query + "&", StringComparison.Ordinal);
        // The blob is the app store's version copy, which the template trigger skips.
        Assert.Contains("/templates/versions/", url.AbsolutePath, StringComparison.Ordinal);
        using var tampered = await Device.GetAsync(new Uri(url.AbsoluteUri.Replace("sp=r", "sp=rd", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        using var delete = await Device.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }

    [Fact]
    public async Task An_already_stored_version_is_not_rewritten_and_urls_expire()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite, new Dictionary<string, string?> { ["IoTHub:TemplateUrlLifetime"] = "00:00:02" });
        var account = cloud.Get<AzureStoreAccount>();
        var key = "key-" + Guid.NewGuid().ToString("N");
        await account.Blobs.PutAsync("templates", TableAppStore.TemplateBlobName(key), BinaryData.FromString("stored copy"));
        var before = await account.Blobs.GetPropertiesAsync("templates", TableAppStore.TemplateBlobName(key));

        var url = await cloud.Get<IBlobUrlProvider>().GetReadUrlAsync("t1", key, LargeDsl(), CancellationToken.None);

        Assert.Equal("stored copy", await Device.GetStringAsync(url));
        Assert.Equal(before.ETag, (await account.Blobs.GetPropertiesAsync("templates", TableAppStore.TemplateBlobName(key))).ETag);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        using var expired = await Device.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
    }

    [Fact]
    public async Task A_lifetime_beyond_seven_days_is_refused_naming_the_setting()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite, new Dictionary<string, string?> { ["IoTHub:TemplateUrlLifetime"] = "8.00:00:00" });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cloud.Get<IBlobUrlProvider>().GetReadUrlAsync("t1", "k", "dsl", CancellationToken.None));
        Assert.Contains("IoTHub:TemplateUrlLifetime", error.Message, StringComparison.Ordinal);
    }
}
