using Dify.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dify.Cloud.Http;

/// <summary>
/// The Dify API as one request delegate, for hosts that receive requests through their own routing (an Azure Functions
/// catch-all HTTP trigger): error envelope, metrics, the cloud's unsupported routes, then the Service API, Dataset API and
/// console endpoints of <c>Dify.Api</c>. Built once from the root services; <see cref="InvokeAsync"/> serves one HttpContext,
/// writing (and flushing, for SSE) straight to its response.
/// </summary>
public sealed class DifyHttpPipeline
{
    private readonly RequestDelegate _pipeline;

    public DifyHttpPipeline(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        // The host's router already chose its catch-all endpoint; clear it so ours matches the Dify route.
        app.Use((context, next) =>
        {
            context.SetEndpoint(null);
            context.Request.RouteValues.Clear();
            return next(context);
        });
        app.UseDifyApiErrors();
        app.UseMiddleware<UnsupportedCloudRoutes>();
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapDifyApi();
            endpoints.MapDifyDatasetApi();
            endpoints.MapDifyEdgeApi();
        });
        _pipeline = app.Build();
    }

    public Task InvokeAsync(HttpContext context) => _pipeline(context);
}
