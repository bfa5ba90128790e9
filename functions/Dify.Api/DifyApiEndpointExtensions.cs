using Dify.Api.AppInfo;
using Dify.Api.Auth;
using Dify.Api.Chat;
using Dify.Api.Messages;
using Dify.Api.Runs;
using Dify.Api.Completion;
using Dify.Api.Console;
using Dify.Api.Conversations;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Api.Observability;
using Dify.Api.Files;
using Dify.Api.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Api;

public static class DifyApiEndpointExtensions
{
    /// <summary>Dify's error envelope for every response; add before routing.</summary>
    public static IApplicationBuilder UseDifyApiErrors(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestMetricsMiddleware>().UseMiddleware<ErrorEnvelopeMiddleware>();

    /// <summary>Maps the Service API under <c>/v1</c> (app keys) and the console subset under <c>/console/api</c> (admin key).</summary>
    public static IEndpointRouteBuilder MapDifyApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.AddEndpointFilter(new LazyFilter<AppKeyFilter>());
        WorkflowEndpoints.Map(v1);
        ChatEndpoints.Map(v1);
        ConversationEndpoints.Map(v1);
        AppInfoEndpoints.Map(v1);
        FileEndpoints.Map(v1);
        CompletionEndpoints.Map(v1);
        MessageEndpoints.Map(v1);
        RunEventsEndpoints.Map(v1);
        FileEndpoints.MapSigned(endpoints);

        endpoints.MapGet("/metrics", (ApiMetrics metrics) => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        var openApi = OpenApiDocument.Build(typeof(DifyApiEndpointExtensions).Assembly.GetName().Version?.ToString() ?? "1.0").ToJsonString(ApiJson.WriteOptions);
        endpoints.MapGet("/openapi.json", () => Results.Text(openApi, "application/json; charset=utf-8"));

        var console = endpoints.MapGroup("/console/api");
        console.AddEndpointFilter(new LazyFilter<AdminKeyFilter>());
        ConsoleAppEndpoints.Map(console);
        return endpoints;
    }

    /// <summary>Resolves the filter from the request's services (they are singletons).</summary>
    private sealed class LazyFilter<T> : IEndpointFilter where T : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            context.HttpContext.RequestServices.GetRequiredService<T>().InvokeAsync(context, next);
    }
}
