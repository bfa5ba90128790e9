using Dify.Edge.Events;
using Dify.Edge.Hub;
using Dify.Edge.Link.Queue;
using Dify.Edge.Inference;
using Dify.Edge.Inputs;
using Dify.Edge.Methods;
using Dify.Edge.Nodes.OnnxInference;
using Dify.Edge.Sync;
using Dify.Edge.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Edge.Hosting;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The module's services. With a hub (<see cref="HubSettings.Resolve"/>: <c>Edge:HubConnectionString</c> or the IoT Edge
    /// environment) events go to the link's durable queue (<see cref="QueueEventSink"/>) and templates come from the module
    /// twin (<see cref="TwinTemplateSource"/>); without one, the spool sink and no template source.
    /// </summary>
    public static IServiceCollection AddEdgeModule(this IServiceCollection services, IConfiguration configuration)
    {
        if (HubSettings.Resolve(configuration) is { } hub) AddHub(services, hub);

        services.Configure<EdgeOptions>(configuration.GetSection(EdgeOptions.SectionName));
        services.AddSingleton(configuration.GetSection(InferenceOptions.SectionName).Get<InferenceOptions>() ?? new InferenceOptions());
        services.AddSingleton<OrtRuntimeHolder>();
        services.AddSingleton(sp => new ModelCatalog(sp.GetRequiredService<OrtRuntimeHolder>(), sp.GetRequiredService<IOptions<EdgeOptions>>().Value.ResolvedModelDirectory, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new EdgeEngine(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.DataDirectory, sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<ModuleReady>();
        services.TryAddSingleton<IEventSink>(sp => new SpoolEventSink(sp.GetRequiredService<EdgeEngine>().DataDirectory, 100_000, sp.GetRequiredService<ILogger<SpoolEventSink>>()));
        services.TryAddSingleton<ITemplateSource, NoHubTemplateSource>();
        services.AddSingleton(sp => new TemplateRunner(sp.GetRequiredService<EdgeEngine>(), sp.GetRequiredService<TemplateStore>(), sp.GetRequiredService<IEventSink>(), sp.GetRequiredService<ILogger<TemplateRunner>>()));
        services.AddSingleton<DirectMethods>(sp => new DirectMethods(sp.GetRequiredService<TemplateRunner>(), sp.GetRequiredService<TemplateStore>(), sp.GetRequiredService<IEventSink>(), sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<ILogger<DirectMethods>>()));
        services.AddHttpClient(nameof(TemplateFetcher));
        services.AddSingleton(sp =>
        {
            var edge = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TemplateFetcher));
            http.Timeout = TimeSpan.FromSeconds(edge.TemplateFetchTimeoutSeconds);
            return new TemplateSync(sp.GetRequiredService<TemplateStore>(), new TemplateFetcher(http, edge.MaxTemplateBytes), sp.GetRequiredService<ITemplateSource>(), edge.MaxTemplateBytes, sp.GetRequiredService<ILogger<TemplateSync>>());
        });
        services.AddSingleton<InputDispatcher>();
        services.AddHostedService<EdgeModuleService>();
        services.AddHostedService<FolderInputWatcher>();
        return services;
    }

    private static void AddHub(IServiceCollection services, HubSettings hub)
    {
        services.AddSingleton(hub);
        services.AddSingleton(sp =>
        {
            var edge = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var options = hub.CreateOptions(out var workload);
            // Opening is synchronous (the Task is already complete): the queue must exist before runs resume and hand events over.
            var queue = OfflineQueue.OpenAsync(
                new OfflineQueueOptions { DatabasePath = Path.Combine(Path.GetFullPath(edge.DataDirectory), "queue", "events.db"), MaxEvents = edge.QueueMaxEvents, MaxBytes = edge.QueueMaxBytes },
                loggers.CreateLogger<OfflineQueue>()).GetAwaiter().GetResult();
            loggers.CreateLogger<HubConnection>().LogInformation("Hub link for {ClientId} from the {Source}", options.ClientId, hub.Describe());
            return new HubConnection(options, workload, queue, loggers);
        });
        services.AddSingleton<QueueEventSink>();
        services.AddSingleton<IEventSink>(sp => sp.GetRequiredService<QueueEventSink>());
        services.AddSingleton<TwinTemplateSource>();
        services.AddSingleton<ITemplateSource>(sp => sp.GetRequiredService<TwinTemplateSource>());
        services.AddSingleton<HubInputs>();
        services.AddSingleton<HubModule>();
    }
}
