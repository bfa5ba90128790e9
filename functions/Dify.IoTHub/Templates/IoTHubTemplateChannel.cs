using System.Text.Json.Nodes;

namespace Dify.IoTHub.Templates;

/// <summary>The cloud channel: publishes through <see cref="TemplatePublisher"/> (module twin PATCH) and reads the twin over IoT Hub's REST API.</summary>
public sealed class IoTHubTemplateChannel(TemplatePublisher publisher, IoTHubServiceClient client, TemplatePublisherOptions? options = null) : IModuleTemplateChannel
{
    private readonly string _property = (options ?? new TemplatePublisherOptions()).TemplatesProperty;

    public async Task<ModuleTemplates> PublishAsync(string deviceId, string moduleId, string templateId, string version, string dsl, CancellationToken cancellationToken) =>
        From(await Call(() => publisher.PublishAsync(deviceId, moduleId, templateId, version, dsl, cancellationToken)).ConfigureAwait(false));

    public async Task<ModuleTemplates> GetAsync(string deviceId, string moduleId, CancellationToken cancellationToken) =>
        From(await Call(() => client.GetModuleTwinAsync(deviceId, moduleId, cancellationToken)).ConfigureAwait(false));

    private ModuleTemplates From(ModuleTwin twin) => new(
        twin.Desired[_property]?.DeepClone() as JsonObject ?? [], twin.Reported[_property]?.DeepClone() as JsonObject ?? []);

    /// <summary>IoT Hub's 404 (no such device or module) and transport failures become the channel's own errors.</summary>
    private static async Task<ModuleTwin> Call(Func<Task<ModuleTwin>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (IoTHubRequestException e) when (e.Status == 404)
        {
            throw new ModuleTemplateChannelException(404, "IoT Hub does not know this device or module: " + e.Message, e);
        }
        catch (IoTHubRequestException e) when (e.Status is 0 or >= 500)
        {
            throw new ModuleTemplateChannelException(503, "IoT Hub is not reachable: " + e.Message, e);
        }
    }
}
