namespace Dify.Edge.Hosting;

/// <summary>The module's names as the deployment manifest's routes use them.</summary>
public static class ModuleEndpoints
{
    /// <summary>The module name in the deployment (<c>$edgeAgent.modules.dify</c>).</summary>
    public const string ModuleName = "dify";

    /// <summary>Output the template events are sent on (routed to <c>$upstream</c>).</summary>
    public const string EventsOutput = "events";

    /// <summary>Input for frames/readings from other modules (e.g. a camera module).</summary>
    public const string FramesInput = "frames";
}
