using Dify.IoTHub.Templates;

namespace Dify.Cloud.Templates;

/// <summary>
/// Templates too large to travel inline in a module twin need a read URL for the device (a user-delegation SAS of the
/// template blob), which the Storage client does not issue yet; publishing such a template fails with this message.
/// </summary>
public sealed class UnsupportedBlobUrlProvider : IBlobUrlProvider
{
    public Task<Uri> GetReadUrlAsync(string templateId, string versionKey, string dsl, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            $"Template '{templateId}' is too large to send inline in the module twin, and read URLs (user-delegation SAS) are not supported yet.");
}
