namespace Dify.IoTHub.Templates;

/// <summary>Gives devices a URL they can read a template's DSL from (e.g. a read-only SAS URL of its blob in <c>templates</c>).</summary>
public interface IBlobUrlProvider
{
    Task<Uri> GetReadUrlAsync(string templateId, string versionKey, string dsl, CancellationToken cancellationToken);
}
