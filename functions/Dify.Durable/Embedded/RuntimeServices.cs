using System.Text.Json;
using Dify.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Dify.Durable.Embedded;

/// <summary>What every orchestration runner of one runtime shares.</summary>
internal sealed class RuntimeServices(
    HistoryWriter writer,
    HistoryReader reader,
    ActivityDispatcher dispatcher,
    JsonSerializerOptions json,
    bool hashInputs,
    ILogger logger,
    CancellationToken shutdown,
    Action<OrchestrationRunner, bool> runnerExited)
{
    public HistoryWriter Writer { get; } = writer;
    public HistoryReader Reader { get; } = reader;
    public ActivityDispatcher Dispatcher { get; } = dispatcher;
    public JsonSerializerOptions Json { get; } = json;
    public bool HashInputs { get; } = hashInputs;
    public ILogger Logger { get; } = logger;
    public CancellationToken Shutdown { get; } = shutdown;

    /// <summary>Called once per runner when its loop ends; the flag says whether the instance reached a final state.</summary>
    public void RunnerExited(OrchestrationRunner runner, bool finished) => runnerExited(runner, finished);
}
