using System.Text.Json.Nodes;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.Storage.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dify.Api.Edge;

/// <summary>
/// <c>GET /console/api/edge/events</c>: stored device events, newest first; filters <c>device_id</c>, <c>module_id</c>;
/// <c>limit</c> (1-100, 20) and <c>continuation</c> (the previous page's <c>next</c>).
/// </summary>
public static class EdgeEventEndpoints
{
    public static void Map(RouteGroupBuilder console) => console.MapGet("/edge/events", ListAsync);

    private static async Task<IResult> ListAsync(HttpContext http, IEdgeEventStore store)
    {
        var limit = RequestArgs.Limit(http.Request, 20, 100);
        var query = new EdgeEventQuery(RequestArgs.Query(http.Request, "device_id"), RequestArgs.Query(http.Request, "module_id"), limit, RequestArgs.Query(http.Request, "continuation"));
        EdgeEventPage page;
        try
        {
            page = await store.ListAsync(query, http.RequestAborted);
        }
        catch (ArgumentException) when (query.Continuation is not null)
        {
            throw ApiErrors.InvalidParam("continuation is not a token this API issued (pass the previous page's next)");
        }
        var data = new JsonArray();
        foreach (var e in page.Items) data.Add(EdgeJson.Event(e));
        return ApiJson.Result(new JsonObject { ["limit"] = limit, ["has_more"] = page.Continuation is not null, ["next"] = page.Continuation, ["data"] = data });
    }
}
