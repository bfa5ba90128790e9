using Dify.Cloud.Http;
using Dify.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Dify.Functions.Triggers;

/// <summary>
/// Every HTTP route (host.json routePrefix "" so paths are Dify's: <c>/v1/...</c>, <c>/console/api/...</c>,
/// <c>/openapi.json</c>, <c>/metrics</c>): the request goes to the Dify API pipeline, which authenticates with app and
/// admin keys itself (hence Anonymous) and writes straight to the response, flushing each SSE event.
/// </summary>
public sealed class ApiFunction(DifyHttpPipeline pipeline, DurableOrchestrationClient orchestrations)
{
    [Function("DifyApi")]
    public Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        orchestrations.Use(client);
        return pipeline.InvokeAsync(request.HttpContext);
    }
}
