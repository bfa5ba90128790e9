using System.Globalization;
using System.Text;

namespace Dify.Durable.CrashHost;

/// <summary>
/// Sequential activities that each append their task id to a file after doing their "work". Shared by the
/// child process (killed mid-run) and the test (which resumes it), so both run exactly the same code.
/// </summary>
public static class CrashScenario
{
    public const string Orchestrator = "crash-sequence";
    public const string Activity = "append-task-id";
    public const string InstanceId = "crash-1";

    public static void Register(EmbeddedDurableRuntime runtime, string logPath)
    {
        runtime.RegisterOrchestrator(Orchestrator, async (context, input) =>
        {
            var count = int.Parse(input!, CultureInfo.InvariantCulture);
            var sum = 0;
            for (var i = 0; i < count; i++)
            {
                sum += await context.CallActivityAsync<int>(Activity, i);
            }
            return sum.ToString(CultureInfo.InvariantCulture);
        });
        runtime.RegisterActivity(Activity, async (context, input, ct) =>
        {
            await Task.Delay(50, ct);
            // The side effect happens at the end: a kill after it but before the result is recorded repeats it once.
            await File.AppendAllTextAsync(logPath, context.TaskId.ToString(CultureInfo.InvariantCulture) + "\n", Encoding.UTF8, ct);
            return (int)input!;
        });
    }
}
