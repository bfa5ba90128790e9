using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.IoTHub.Tests;

public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A Kestrel server on 127.0.0.1 speaking the IoT Hub service REST API for module twins and module direct methods:
/// checks the api-version and the Authorization header (service SAS signed with <see cref="Key"/>, or a bearer token),
/// keeps twins in memory (JSON merge patch on desired, ETag + version), answers methods from a handler, and
/// answers errors the way the hub does (<c>iothub-errorcode</c> header, <c>{"Message":"ErrorCode:…;…"}</c> body).
/// </summary>
public sealed class FakeIoTHub : IAsyncDisposable
{
    public const string HostName = "test-hub.azure-devices.net";
    public const string KeyName = "service";
    public static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a service key of 32 bytes length"));
    public const string ApiVersion = "2021-04-12";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _seen = new();
    private readonly ConcurrentDictionary<string, (JsonObject Desired, long Version)> _twins = new();

    private FakeIoTHub(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyList<SeenRequest> Requests => _seen.ToArray();
    public string? BearerToken { get; init; }

    /// <summary>Answers direct methods: (device, module, method name, payload) → (status, payload); null = device offline (404).</summary>
    public Func<string, string, string, JsonNode?, (int Status, JsonNode? Payload)?> Methods { get; set; } = (_, _, _, _) => null;

    public static string ConnectionString => $"HostName={HostName};SharedAccessKeyName={KeyName};SharedAccessKey={Key}";

    public static Task<FakeIoTHub> StartAsync(X509Certificate2? certificate = null, string? bearerToken = null) => StartCoreAsync(certificate, bearerToken);

    public void AddModule(string deviceId, string moduleId) => _twins[deviceId + "/" + moduleId] = (new JsonObject(), 1);

    private static async Task<FakeIoTHub> StartCoreAsync(X509Certificate2? certificate, string? bearerToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var hub = new FakeIoTHub(app) { BearerToken = bearerToken };
        app.Run(hub.HandleAsync);
        await app.StartAsync();
        hub.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return hub;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        _seen.Enqueue(new SeenRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));

        if (request.Query["api-version"] != ApiVersion)
        {
            await ErrorAsync(context, 400, "InvalidProtocolVersion", "Invalid api-version");
            return;
        }
        if (!Authorized(request.Headers.Authorization.ToString()))
        {
            await ErrorAsync(context, 401, "IotHubUnauthorizedAccess", "Unauthorized");
            return;
        }
        var segments = (request.Path.Value ?? "").Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (segments is not ["twins", var device, "modules", var module, ..] || !_twins.TryGetValue(device + "/" + module, out var twin))
        {
            await ErrorAsync(context, 404, "ModuleNotFound", "Module not registered");
            return;
        }
        var key = device + "/" + module;
        switch (request.Method, segments.Length)
        {
            case ("GET", 4):
                await TwinAsync(context, device, module, twin);
                return;
            case ("PATCH", 4):
                var ifMatch = request.Headers.IfMatch.ToString();
                if (ifMatch != "*" && ifMatch != $"\"{ETag(twin.Version)}\"")
                {
                    await ErrorAsync(context, 412, "PreconditionFailed", "Precondition failed: etag mismatch");
                    return;
                }
                var patch = JsonNode.Parse(body)!["properties"]!["desired"]!.AsObject();
                var desired = (JsonObject)twin.Desired.DeepClone();
                Merge(desired, patch);
                _twins[key] = twin = (desired, twin.Version + 1);
                await TwinAsync(context, device, module, twin);
                return;
            case ("POST", 5) when segments[4] == "methods":
                var call = JsonNode.Parse(body)!.AsObject();
                var answer = Methods(device, module, call["methodName"]!.GetValue<string>(), call["payload"]);
                if (answer is not { } result)
                {
                    await ErrorAsync(context, 404, "DeviceNotOnline", "Timed out waiting for device to connect.");
                    return;
                }
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(new JsonObject { ["status"] = result.Status, ["payload"] = result.Payload?.DeepClone() }.ToJsonString());
                return;
            default:
                await ErrorAsync(context, 405, "MethodNotAllowed", "Not supported here");
                return;
        }
    }

    private bool Authorized(string header)
    {
        if (BearerToken is not null) return header == "Bearer " + BearerToken;
        if (!header.StartsWith("SharedAccessSignature ", StringComparison.Ordinal)) return false;
        var fields = header["SharedAccessSignature ".Length..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        if (fields.Count != 4 || fields["sr"] != WebUtility.UrlEncode(HostName) || WebUtility.UrlDecode(fields["skn"]) != KeyName) return false;
        if (long.Parse(fields["se"], CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return false;
        var expected = HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.UTF8.GetBytes(fields["sr"] + "\n" + fields["se"]));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(WebUtility.UrlDecode(fields["sig"])));
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null) target.Remove(name);
            else if (value is JsonObject child && target[name] is JsonObject existing) Merge(existing, child);
            else target[name] = value.DeepClone();
        }
    }

    private static string ETag(long version) => Convert.ToBase64String(BitConverter.GetBytes(version));

    private static Task TwinAsync(HttpContext context, string device, string module, (JsonObject Desired, long Version) twin)
    {
        context.Response.ContentType = "application/json";
        var desired = (JsonObject)twin.Desired.DeepClone();
        desired["$version"] = twin.Version;
        return context.Response.WriteAsync(new JsonObject
        {
            ["deviceId"] = device, ["moduleId"] = module, ["etag"] = ETag(twin.Version), ["version"] = twin.Version, ["status"] = "enabled",
            ["properties"] = new JsonObject { ["desired"] = desired, ["reported"] = new JsonObject { ["$version"] = 1 } },
        }.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["iothub-errorcode"] = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["Message"] = $"ErrorCode:{code};{message}", ["ExceptionMessage"] = "" }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
