using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Api.Errors;
using Dify.Api.Http;
using Dify.IoTHub.Templates;
using Dify.Workflows.Dsl;
using Dify.Workflows.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Api.Edge;

/// <summary>
/// Edge templates of one module: <c>POST</c> publishes a DSL template (validated here first: a template that does not
/// import and compile as a workflow answers 400 naming the problems and is never sent), <c>GET</c> shows what the
/// twin asks for and what the module reports. Both go through the host's <see cref="IModuleTemplateChannel"/>
/// (IoT Hub, or the local stand-in); a host without one answers 501.
/// </summary>
public static partial class EdgeTemplateEndpoints
{
    public const string Route = "/edge/devices/{deviceId}/modules/{moduleId}/templates";

    // The template id is a twin property name and a module store key: the narrower of both rules.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();

    public static void Map(RouteGroupBuilder console)
    {
        console.MapPost(Route, PublishAsync);
        console.MapGet(Route, GetAsync);
    }

    private static async Task<IResult> PublishAsync(HttpContext http, string deviceId, string moduleId, WorkflowAppLoader loader, IOptions<DifyApiOptions> options, ILoggerFactory loggers)
    {
        var body = await ApiJson.ReadAsync(http.Request, EdgeJsonContext.Default.EdgeTemplateBody, options.Value.MaxJsonBodyBytes, http.RequestAborted);
        if (string.IsNullOrEmpty(body.Name) || !NamePattern().IsMatch(body.Name))
            throw ApiErrors.InvalidParam("name is required: 1-64 letters, digits, '_' or '-', starting with a letter or digit");
        if (string.IsNullOrWhiteSpace(body.Version) || body.Version.Length > 64 || body.Version.Any(char.IsControl))
            throw ApiErrors.InvalidParam("version is required: up to 64 characters");
        if (string.IsNullOrWhiteSpace(body.YamlContent)) throw ApiErrors.InvalidParam("yaml_content is required (the template's Dify DSL)");

        var app = loader.Load(body.YamlContent, body.Name + ".yml");
        if (app.Definition is null)
            throw ApiErrors.InvalidParam("yaml_content is not a valid template: " + string.Join("; ", app.Errors.Take(5).Select(p => p.ToString())));
        if (app.Definition.Mode != AppMode.Workflow)
            throw ApiErrors.InvalidParam($"yaml_content is a {app.Import.Document?.App.Mode.ToString() ?? "non-workflow"} app; edge templates are workflow apps");

        var channel = Channel(http);
        var templates = await CallAsync(() => channel.PublishAsync(deviceId, moduleId, body.Name, body.Version, body.YamlContent, http.RequestAborted));
        loggers.CreateLogger(typeof(EdgeTemplateEndpoints)).LogInformation("Published template {TemplateId} version {Version} to {DeviceId}/{ModuleId}", body.Name, body.Version, deviceId, moduleId);
        var payload = EdgeJson.Templates(deviceId, moduleId, templates);
        payload["result"] = "success";
        payload["name"] = body.Name;
        payload["version"] = body.Version;
        return ApiJson.Result(payload);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string deviceId, string moduleId)
    {
        var channel = Channel(http);
        return ApiJson.Result(EdgeJson.Templates(deviceId, moduleId, await CallAsync(() => channel.GetAsync(deviceId, moduleId, http.RequestAborted))));
    }

    private static IModuleTemplateChannel Channel(HttpContext http) => http.RequestServices.GetService<IModuleTemplateChannel>()
        ?? throw new ApiException(501, "not_supported", "This host has no hub to publish templates through (configure IoT Hub, or LocalHub:Mqtt:Host for the local stand-in).");

    private static async Task<ModuleTemplates> CallAsync(Func<Task<ModuleTemplates>> call)
    {
        try
        {
            return await call();
        }
        catch (ModuleTemplateChannelException e)
        {
            throw new ApiException(e.Status, e.Status == 404 ? "not_found" : "hub_unavailable", e.Message);
        }
        catch (ArgumentException e)
        {
            throw ApiErrors.InvalidParam(e.Message);
        }
    }
}
