using System.Text.Json.Nodes;
using Dify.Api.Auth;
using Dify.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dify.Api.AppInfo;

/// <summary><c>GET /parameters</c>, <c>GET /info</c>, <c>GET /meta</c>.</summary>
public static class AppInfoEndpoints
{
    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/parameters", (HttpContext http) => ApiJson.Result(AppParameters.From(http.App().Definition)));
        v1.MapGet("/info", (HttpContext http) =>
        {
            var app = http.App().Record;
            return ApiJson.Result(new JsonObject
            {
                ["name"] = app.Name,
                ["description"] = app.Description,
                ["tags"] = new JsonArray(),
                ["mode"] = app.Mode,
                ["author_name"] = "",
            });
        });
        v1.MapGet("/meta", () => ApiJson.Result(new JsonObject { ["tool_icons"] = new JsonObject() }));
    }
}
