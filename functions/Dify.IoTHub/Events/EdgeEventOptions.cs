namespace Dify.IoTHub.Events;

/// <summary>
/// Configuration section <c>EdgeEvents</c>: which events start which app. Every set field of a route must match;
/// an unset one matches anything. Each matching route starts one run (a route per app).
/// <code>EdgeEvents:Routes:0:AppId=...  EdgeEvents:Routes:0:DeviceId=press-07  EdgeEvents:Routes:0:Source=defects</code>
/// </summary>
public sealed class EdgeEventOptions
{
    public const string SectionName = "EdgeEvents";

    public List<EdgeEventRoute> Routes { get; set; } = [];

    /// <summary>The end user routed runs are recorded under, when the route names none.</summary>
    public string RunUser { get; set; } = "edge-events";

    /// <summary>Throws naming the first bad setting (e.g. <c>EdgeEvents:Routes:1:AppId is required</c>).</summary>
    public void Validate()
    {
        for (var i = 0; i < Routes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Routes[i].AppId))
                throw new InvalidOperationException($"{SectionName}:Routes:{i}:AppId is required (the app whose workflow the matching events start).");
        }
        if (string.IsNullOrWhiteSpace(RunUser)) throw new InvalidOperationException($"{SectionName}:RunUser must not be empty.");
    }
}

/// <summary>One route: device, module and source (the template id on our module) to match; the app to run.</summary>
public sealed class EdgeEventRoute
{
    public string? DeviceId { get; set; }
    public string? ModuleId { get; set; }

    /// <summary>The event's source (<c>event-source</c>: the template that produced it).</summary>
    public string? Source { get; set; }

    public string AppId { get; set; } = "";

    /// <summary>End user of the started runs; default <see cref="EdgeEventOptions.RunUser"/>.</summary>
    public string? User { get; set; }

    public bool Matches(string deviceId, string moduleId, string? source) =>
        (DeviceId is null || DeviceId == deviceId) && (ModuleId is null || ModuleId == moduleId) && (Source is null || Source == source);
}
