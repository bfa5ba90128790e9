using Dify.Api.Auth;
using Dify.Api.Edge;
using Dify.IoTHub.Events;
using Dify.Storage.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Api;

/// <summary>
/// The cloud side of the edge link in the API: the event intake (<see cref="IEdgeEventIngestor"/>, routes from
/// <c>EdgeEvents:*</c>, runs started through the API's launcher) and the admin routes under <c>/console/api/edge</c>.
/// The host registers the <see cref="IEdgeEventStore"/> and, when it has a hub, an <c>IModuleTemplateChannel</c>.
/// </summary>
public static class EdgeApiExtensions
{
    public static IServiceCollection AddDifyEdgeApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EdgeEventOptions>().Bind(configuration.GetSection(EdgeEventOptions.SectionName));
        services.AddSingleton<IEdgeWorkflowStarter, ApiEdgeWorkflowStarter>();
        services.AddSingleton<IEdgeEventIngestor>(sp => new EdgeEventIngestor(
            sp.GetRequiredService<IEdgeEventStore>(), sp.GetRequiredService<IEdgeWorkflowStarter>(), sp.GetRequiredService<IOptions<EdgeEventOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EdgeEventIngestor>>()));
        return services;
    }

    public static IEndpointRouteBuilder MapDifyEdgeApi(this IEndpointRouteBuilder endpoints)
    {
        var console = endpoints.MapGroup("/console/api");
        console.AddEndpointFilter(new Resolved<AdminKeyFilter>());
        EdgeEventEndpoints.Map(console);
        EdgeTemplateEndpoints.Map(console);
        return endpoints;
    }

    private sealed class Resolved<T> : IEndpointFilter where T : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            context.HttpContext.RequestServices.GetRequiredService<T>().InvokeAsync(context, next);
    }
}
