using Xunit.Abstractions;

namespace Dify.Durable.Tests;

/// <summary>Each test gets its own temp folder and SQLite file; runtimes it creates are disposed at the end.</summary>
public abstract class RuntimeTestBase(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<EmbeddedDurableRuntime> _runtimes = [];

    protected ITestOutputHelper Output { get; } = output;

    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "dify-durable-tests", Guid.NewGuid().ToString("N"));

    protected string DatabasePath => Path.Combine(Folder, "durable.db");

    /// <summary>Generous bound for every wait, so a hang fails the test instead of blocking the run.</summary>
    protected static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    protected EmbeddedDurableRuntime NewRuntime(Action<EmbeddedRuntimeOptions>? configure = null)
    {
        var options = new EmbeddedRuntimeOptions { DatabasePath = DatabasePath };
        configure?.Invoke(options);
        var runtime = new EmbeddedDurableRuntime(options, new TestOutputLogger<EmbeddedDurableRuntime>(Output));
        _runtimes.Add(runtime);
        return runtime;
    }

    protected async Task<OrchestrationState> RunAsync(EmbeddedDurableRuntime runtime, string orchestrator, string instanceId, string? input = null)
    {
        await runtime.StartOrchestrationAsync(orchestrator, instanceId, input, Timeout());
        return await runtime.WaitForCompletionAsync(instanceId, Timeout());
    }

    /// <summary>Polls until <paramref name="condition"/> holds (used to wait for an orchestrator to reach a point).</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not reached in time.");
            }
            await Task.Delay(10);
        }
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var runtime in _runtimes)
        {
            await runtime.DisposeAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
