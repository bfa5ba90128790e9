using System.Text.Json.Nodes;
using Dify.Edge.Templates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Edge.Inputs;

/// <summary>
/// Starts one run of every enabled template for an input (a dropped file, a message routed to the module's input),
/// once fewer than <c>Edge:MaxConcurrentRuns</c> runs are in flight. Returns when every run is durably started (its
/// pending record written and the run recorded by the runtime): the caller may then let go of the input.
/// </summary>
public sealed class InputDispatcher(IOptions<EdgeOptions> options, TemplateStore templates, TemplateRunner runner, ILogger<InputDispatcher> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<int> StartRunsAsync(JsonObject inputs, string origin, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var limit = Math.Max(1, options.Value.MaxConcurrentRuns);
            while (runner.InFlight >= limit) await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            var enabled = templates.Active.Values.Where(t => t.Enabled).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
            foreach (var template in enabled)
            {
                await runner.StartAsync(template.Id, (JsonObject)inputs.DeepClone(), cancellationToken).ConfigureAwait(false);
            }

            logger.LogDebug("Input {Origin} started {Runs} runs", origin, enabled.Count);
            return enabled.Count;
        }
        finally
        {
            gate.Release();
        }
    }
}
