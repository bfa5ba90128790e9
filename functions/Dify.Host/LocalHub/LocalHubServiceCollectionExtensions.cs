using Dify.IoTHub.Events;
using Dify.IoTHub.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Host.LocalHub;

public static class LocalHubServiceCollectionExtensions
{
    /// <summary>
    /// When <c>LocalHub:Mqtt:Host</c> is set: the local IoT Hub stand-in as the host's <see cref="IModuleTemplateChannel"/>
    /// and a hosted service. Otherwise nothing (the template routes then answer 501). Bad settings throw at start.
    /// </summary>
    public static IServiceCollection AddLocalHub(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        var options = configuration.GetSection(LocalHubOptions.SectionName).Get<LocalHubOptions>() ?? new LocalHubOptions();
        if (!options.Enabled) return services;
        options.Validate();
        services.AddSingleton(sp => new LocalIoTHub(options, dataDirectory, sp.GetRequiredService<IEdgeEventIngestor>, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IModuleTemplateChannel>(sp => sp.GetRequiredService<LocalIoTHub>());
        services.AddHostedService(sp => new LocalHubService(sp.GetRequiredService<LocalIoTHub>()));
        return services;
    }
}
