using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Dify.IoTHub.Templates;

/// <summary>Options of <see cref="TemplatePublisher"/>.</summary>
public sealed class TemplatePublisherOptions
{
    /// <summary>DSL up to this many UTF-8 bytes travels inline in the twin (module twins hold 32 KiB of desired properties in all).</summary>
    public int InlineMaxBytes { get; set; } = 8 * 1024;

    /// <summary>The desired property holding the templates: <c>properties.desired.{TemplatesProperty}.{id}</c>.</summary>
    public string TemplatesProperty { get; set; } = "templates";
}

/// <summary>
/// Sends app DSL down to an edge module as module twin desired properties: <c>templates.{id} = { version, sha256, size,
/// content }</c> when small, else <c>{ version, sha256, size, url }</c> for the module to download and verify.
/// Unpublishing writes <c>null</c>, which removes the property.
/// </summary>
public sealed class TemplatePublisher(IoTHubServiceClient client, IBlobUrlProvider urls, TemplatePublisherOptions? options = null)
{
    private readonly TemplatePublisherOptions _options = options ?? new TemplatePublisherOptions();

    public async Task<ModuleTwin> PublishAsync(string deviceId, string moduleId, string templateId, string versionKey, string dsl, CancellationToken cancellationToken = default)
    {
        CheckName(templateId);
        ArgumentNullException.ThrowIfNull(dsl);
        var bytes = Encoding.UTF8.GetBytes(dsl);
        var entry = new JsonObject
        {
            ["version"] = versionKey,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["size"] = bytes.Length,
        };
        if (bytes.Length <= _options.InlineMaxBytes) entry["content"] = dsl; // the module reads inline YAML from "content" (Dify.Edge TemplateSync)
        else entry["url"] = (await urls.GetReadUrlAsync(templateId, versionKey, dsl, cancellationToken).ConfigureAwait(false)).AbsoluteUri;
        return await client.UpdateModuleDesiredPropertiesAsync(deviceId, moduleId, Patch(templateId, entry), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public Task<ModuleTwin> UnpublishAsync(string deviceId, string moduleId, string templateId, CancellationToken cancellationToken = default)
    {
        CheckName(templateId);
        return client.UpdateModuleDesiredPropertiesAsync(deviceId, moduleId, Patch(templateId, null), cancellationToken: cancellationToken);
    }

    private JsonObject Patch(string templateId, JsonNode? entry) => new() { [_options.TemplatesProperty] = new JsonObject { [templateId] = entry } };

    /// <summary>Twin property names may not contain '.', '$', ' ' or control characters, and stop at 128 chars.</summary>
    private static void CheckName(string templateId)
    {
        ArgumentException.ThrowIfNullOrEmpty(templateId);
        if (templateId.Length > 128 || templateId.Any(c => c is '.' or '$' or ' ' || char.IsControl(c)))
        {
            throw new ArgumentException("A template id becomes a twin property name: at most 128 chars, without '.', '$', spaces or control characters.", nameof(templateId));
        }
    }
}
