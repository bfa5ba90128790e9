using System.Globalization;
using Dify.Durable;
using Dify.Durable.CrashHost;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: Dify.Durable.CrashHost <database> <log file> <activity count>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Dify.Durable.CrashHost <database> <log file> <activity count>");
    return 2;
}
await using var runtime = new EmbeddedDurableRuntime(
    new EmbeddedRuntimeOptions { DatabasePath = args[0] }, NullLogger<EmbeddedDurableRuntime>.Instance);
CrashScenario.Register(runtime, args[1]);
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
await runtime.StartOrchestrationAsync(CrashScenario.Orchestrator, CrashScenario.InstanceId, count.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
Console.WriteLine("started");
await runtime.WaitForCompletionAsync(CrashScenario.InstanceId, CancellationToken.None);
Console.WriteLine("completed"); // only reached if nobody kills us in time
return 0;
