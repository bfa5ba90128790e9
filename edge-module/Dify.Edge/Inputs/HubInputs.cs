using System.Text.Json;
using Dify.Edge.Link.Hub;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Inputs;

/// <summary>
/// Messages edgeHub routes to the module's inputs (e.g. <c>/modules/dify/inputs/frames</c> from a camera module): each
/// starts one run of every enabled template, like a file in the input folder. The link acknowledges the message to
/// edgeHub only after <see cref="HandleAsync"/> returns, i.e. once the runs are durable (at least once: a crash in
/// between has edgeHub deliver it again). Unreadable messages are logged and dropped.
/// </summary>
public sealed class HubInputs(InputDispatcher dispatcher, ILogger<HubInputs> logger)
{
    private long received;

    public long Received => Interlocked.Read(ref received);

    public async Task HandleAsync(ModuleInputMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref received);
        try
        {
            var inputs = InputFiles.FromMessage(message.InputName, message.Properties, message.Payload.Span);
            await dispatcher.StartRunsAsync(inputs, "input " + message.InputName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or Dify.Workflows.Nodes.Start.InputValidationException)
        {
            logger.LogWarning("Message on input {Input} dropped: {Error}", message.InputName, e.Message);
        }
    }
}
