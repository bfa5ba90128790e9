using System.Text;
using Dify.Api.Apps;
using Dify.Cloud.Configuration;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Templates;

/// <summary>What became of a template blob: imported as a new app, already imported, skipped, or rejected (with the reason).</summary>
public enum TemplateImportStatus { Imported, AlreadyImported, Skipped, Rejected }

public sealed record TemplateImportOutcome(TemplateImportStatus Status, string Name, string? AppId, string? Error = null);

/// <summary>
/// The entry point of the <c>templates/{name}</c> blob trigger: a Dify DSL file dropped there becomes an app (admin
/// keys then create its API keys). The same content imported twice stays one app. Blobs under <c>versions/</c> are the
/// app store's own copies and are skipped. A file that does not import is rejected with its problems, each naming the
/// file; retrying would not help, so nothing is thrown.
/// </summary>
public sealed class TemplateBlobHandler(AppRegistry apps, ILogger<TemplateBlobHandler> logger)
{
    public const string StoreVersionsPrefix = "versions/";

    /// <summary>Largest template read (Dify's DSL import limit is 10 MiB).</summary>
    public const int MaxTemplateBytes = 10 * 1024 * 1024;

    public async Task<TemplateImportOutcome> ImportAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(content);
        if (name.StartsWith(StoreVersionsPrefix, StringComparison.Ordinal)) return new TemplateImportOutcome(TemplateImportStatus.Skipped, name, null);
        if (!name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
            return Reject(name, "only .yml and .yaml files are imported");

        var yaml = await ReadBoundedAsync(content, cancellationToken).ConfigureAwait(false);
        if (yaml is null) return Reject(name, $"the file is larger than {MaxTemplateBytes / (1024 * 1024)} MiB");

        var key = WorkflowAppLoader.KeyOf(yaml);
        var existing = (await apps.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.VersionKey == key);
        if (existing is not null) return new TemplateImportOutcome(TemplateImportStatus.AlreadyImported, name, existing.Id);

        var result = await apps.ImportAsync(yaml, cancellationToken).ConfigureAwait(false);
        if (result.App is null) return Reject(name, result.Error);
        logger.LogInformation("Imported template {TemplateName} as app {AppId} ({AppMode})", name, result.App.Id, result.AppMode);
        return new TemplateImportOutcome(TemplateImportStatus.Imported, name, result.App.Id);
    }

    private TemplateImportOutcome Reject(string name, string reason)
    {
        var error = $"templates/{name}: {reason.Replace("\n", $"\ntemplates/{name}: ", StringComparison.Ordinal)}";
        logger.LogError("Template {TemplateName} was not imported: {Error}", name, error);
        return new TemplateImportOutcome(TemplateImportStatus.Rejected, name, null, error);
    }

    private static async Task<string?> ReadBoundedAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxTemplateBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
