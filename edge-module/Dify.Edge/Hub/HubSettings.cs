using Dify.Edge.Link.Hub;
using Microsoft.Extensions.Configuration;

namespace Dify.Edge.Hub;

/// <summary>
/// Which hub the module talks to, if any: <c>Edge:HubConnectionString</c> (development) first, else the IoT Edge
/// environment (<c>IOTEDGE_MODULEID</c> and <c>IOTEDGE_WORKLOADURI</c> present, tokens signed by the workload API).
/// </summary>
public sealed class HubSettings
{
    private readonly string? connectionString;
    private readonly Func<string, string?> variables;
    private readonly EdgeOptions edge;

    private HubSettings(string? connectionString, Func<string, string?> variables, EdgeOptions edge)
    {
        this.connectionString = connectionString;
        this.variables = variables;
        this.edge = edge;
    }

    /// <summary>True when the options come from the IoT Edge environment (TLS roots from the workload API's trust bundle).</summary>
    public bool FromEdgeEnvironment => connectionString is null;

    /// <summary>Null when no hub is configured (the module runs offline-only).</summary>
    public static HubSettings? Resolve(IConfiguration configuration)
    {
        var edge = configuration.GetSection(EdgeOptions.SectionName).Get<EdgeOptions>() ?? new EdgeOptions();
        if (edge.HubConnectionString is { Length: > 0 } cs) return new HubSettings(cs, name => configuration[name], edge);
        if (configuration["IOTEDGE_MODULEID"] is { Length: > 0 } && configuration["IOTEDGE_WORKLOADURI"] is { Length: > 0 })
            return new HubSettings(null, name => configuration[name], edge);
        return null;
    }

    /// <summary>
    /// The link's options (events go out on the module output <see cref="Hosting.ModuleEndpoints.EventsOutput"/>);
    /// <paramref name="workload"/> is the workload API client the caller disposes (IoT Edge only). A malformed
    /// connection string throws (never with the key in the message).
    /// </summary>
    public HubLinkOptions CreateOptions(out WorkloadApiClient? workload)
    {
        HubLinkOptions options;
        if (connectionString is not null)
        {
            try
            {
                options = HubLinkOptions.FromConnectionString(connectionString);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException("Edge:HubConnectionString is not a valid IoT Hub connection string: " + e.Message, e);
            }

            workload = null;
        }
        else
        {
            options = HubLinkOptions.FromEdgeEnvironment(variables, out var client);
            workload = client;
        }

        options.UseTls = edge.HubUseTls;
        options.Port = edge.HubPort ?? (edge.HubUseTls ? 8883 : 1883);
        options.OutputName = Hosting.ModuleEndpoints.EventsOutput;
        return options;
    }

    public string Describe() => connectionString is not null
        ? "connection string (Edge:HubConnectionString)"
        : $"IoT Edge environment (module {variables("IOTEDGE_MODULEID")} on {variables("IOTEDGE_DEVICEID")})";
}
