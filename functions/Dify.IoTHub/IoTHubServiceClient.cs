using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.IoTHub;

/// <summary>
/// IoT Hub service REST API for modules: read a module twin, patch its desired properties (optionally under
/// <c>If-Match</c>), invoke a direct method. Auth by service SAS (connection string) or Entra ID
/// (scope <c>https://iothubs.azure.net/.default</c>). Retries live in the Azure.Core pipeline; every failure is an
/// <see cref="IoTHubRequestException"/>. Thread-safe; create one per hub.
/// </summary>
public sealed class IoTHubServiceClient
{
    public const string TokenScope = "https://iothubs.azure.net/.default";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _apiVersion;

    /// <summary>From a service connection string (<c>HostName=…;SharedAccessKeyName=…;SharedAccessKey=…</c>).</summary>
    public IoTHubServiceClient(string connectionString, IoTHubClientOptions? options = null)
        : this(IoTHubConnectionString.Parse(connectionString), options)
    {
    }

    public IoTHubServiceClient(IoTHubConnectionString connection, IoTHubClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new IoTHubClientOptions();
        (_endpoint, _apiVersion) = (BuildEndpoint(connection.HostName, options), options.ApiVersion);
        _pipeline = HttpPipelineBuilder.Build(options, [], [new IoTHubSasPolicy(connection, options.SasTokenLifetime, TimeProvider.System)], new ResponseClassifier());
    }

    /// <summary>Entra ID (managed identity; the identity needs an IoT Hub data role such as "IoT Hub Twin Contributor").</summary>
    public IoTHubServiceClient(string hostName, TokenCredential credential, IoTHubClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostName);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new IoTHubClientOptions();
        (_endpoint, _apiVersion) = (BuildEndpoint(hostName, options), options.ApiVersion);
        _pipeline = HttpPipelineBuilder.Build(options, [], [new BearerTokenAuthenticationPolicy(credential, TokenScope)], new ResponseClassifier());
    }

    /// <summary>Where requests go: <c>https://{HostName}</c> unless <see cref="IoTHubClientOptions.Endpoint"/> says otherwise.</summary>
    public Uri Endpoint => _endpoint;

    public async Task<ModuleTwin> GetModuleTwinAsync(string deviceId, string moduleId, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Get, TwinPath(deviceId, moduleId));
        return ModuleTwin.From(await SendAsync(message, cancellationToken).ConfigureAwait(false) as JsonObject ?? []);
    }

    /// <summary>
    /// Merges <paramref name="desiredPatch"/> into the module's desired properties (a <c>null</c> value removes a property).
    /// With <paramref name="ifMatch"/> the update applies only to that twin version (else 412 <c>PreconditionFailed</c>).
    /// </summary>
    public async Task<ModuleTwin> UpdateModuleDesiredPropertiesAsync(string deviceId, string moduleId, JsonObject desiredPatch, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(desiredPatch);
        using var message = Create(RequestMethod.Patch, TwinPath(deviceId, moduleId));
        message.Request.Headers.SetValue("If-Match", ifMatch == default ? "*" : Quoted(ifMatch.ToString()));
        var body = new JsonObject { ["properties"] = new JsonObject { ["desired"] = desiredPatch.DeepClone() } };
        SetJson(message, body);
        return ModuleTwin.From(await SendAsync(message, cancellationToken).ConfigureAwait(false) as JsonObject ?? []);
    }

    /// <summary>Calls a direct method on a connected module and returns its status and payload.</summary>
    public async Task<DirectMethodResult> InvokeModuleMethodAsync(string deviceId, string moduleId, DirectMethodRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.MethodName);
        using var message = Create(RequestMethod.Post, TwinPath(deviceId, moduleId) + "/methods");
        // The HTTP call has to outlive the module's response timeout.
        message.NetworkTimeout = request.ResponseTimeout + request.ConnectTimeout + TimeSpan.FromSeconds(30);
        SetJson(message, new JsonObject
        {
            ["methodName"] = request.MethodName,
            ["responseTimeoutInSeconds"] = (int)request.ResponseTimeout.TotalSeconds,
            ["connectTimeoutInSeconds"] = (int)request.ConnectTimeout.TotalSeconds,
            ["payload"] = request.Payload?.DeepClone(),
        });
        var result = await SendAsync(message, cancellationToken).ConfigureAwait(false) as JsonObject ?? [];
        return new DirectMethodResult(result["status"]?.GetValue<int>() ?? 0, result["payload"]?.DeepClone());
    }

    private HttpMessage Create(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(_endpoint);
        message.Request.Uri.AppendPath(path, escape: false);
        message.Request.Uri.AppendQuery("api-version", _apiVersion);
        message.Request.Headers.SetValue("Accept", "application/json");
        return message;
    }

    private async Task<JsonNode?> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        var what = $"{message.Request.Method.Method} {message.Request.Uri.Path}";
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is OperationCanceledException or RequestFailedException or AggregateException or IOException)
        {
            throw new IoTHubRequestException(0, null, $"{what} failed: {e.Message}", e);
        }
        var response = message.Response;
        var text = response.Content.ToString();
        if (response.Status is >= 200 and < 300) return text.Length == 0 ? null : JsonNode.Parse(text);
        throw Failure(response, what, text);
    }

    private static IoTHubRequestException Failure(Response response, string what, string body)
    {
        response.Headers.TryGetValue("iothub-errorcode", out var code);
        string? detail = null;
        try
        {
            if (body.Length > 0 && JsonNode.Parse(body) is JsonObject error)
            {
                detail = error["Message"]?.GetValue<string>() ?? error["message"]?.GetValue<string>();
                if (code is null && detail is not null && detail.StartsWith("ErrorCode:", StringComparison.Ordinal))
                {
                    code = detail["ErrorCode:".Length..].Split(';')[0];
                }
            }
        }
        catch (JsonException)
        {
        }
        var text = new StringBuilder().Append(what).Append(" failed with ").Append(response.Status);
        if (code is not null) text.Append(" (").Append(code).Append(')');
        if (detail is not null) text.Append(": ").Append(detail.Split('\n')[0].Trim());
        return new IoTHubRequestException(response.Status, code, text.ToString());
    }

    private static void SetJson(HttpMessage message, JsonNode body)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json; charset=utf-8");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private static string TwinPath(string deviceId, string moduleId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(moduleId);
        return $"/twins/{Uri.EscapeDataString(deviceId)}/modules/{Uri.EscapeDataString(moduleId)}";
    }

    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    private static Uri BuildEndpoint(string hostName, IoTHubClientOptions options) =>
        new((options.Endpoint ?? new Uri("https://" + hostName)).AbsoluteUri.TrimEnd('/'));
}
