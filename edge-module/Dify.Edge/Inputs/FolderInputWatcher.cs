using System.Text.Json;
using Dify.Edge.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Edge.Inputs;

/// <summary>
/// The POST-free ingestion path: a camera or PLC writes files into <c>Edge:InputDirectory</c> (write elsewhere, then
/// rename into place; names starting with '.' or ending in .tmp are ignored). Each file starts one run of every enabled
/// template and is deleted once those runs are durable (at least once: a crash in between starts them again).
/// </summary>
public sealed class FolderInputWatcher(IOptions<EdgeOptions> options, InputDispatcher dispatcher, ModuleReady ready, ILogger<FolderInputWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var edge = options.Value;
        if (string.IsNullOrWhiteSpace(edge.InputDirectory))
        {
            logger.LogInformation("No Edge:InputDirectory; the folder input is off");
            return;
        }

        await ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        var directory = Path.GetFullPath(edge.InputDirectory);
        Directory.CreateDirectory(directory);
        var rejected = Path.Combine(directory, ".rejected");
        logger.LogInformation("Watching {InputDirectory} for frames and readings", directory);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(20, edge.InputPollMilliseconds)));
        do
        {
            foreach (var file in Directory.EnumerateFiles(directory).Where(IsInput).Order(StringComparer.Ordinal).ToList())
            {
                await ProcessAsync(file, rejected, edge.MaxInputBytes, stoppingToken).ConfigureAwait(false);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static bool IsInput(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.') && !name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase);
    }

    private async Task ProcessAsync(string file, string rejected, int maxBytes, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        try
        {
            if (new FileInfo(file).Length > maxBytes) throw new InvalidDataException($"larger than {maxBytes} bytes");
            var inputs = InputFiles.ToInputs(name, await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
            await dispatcher.StartRunsAsync(inputs, "file " + name, cancellationToken).ConfigureAwait(false);
            File.Delete(file);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or Dify.Workflows.Nodes.Start.InputValidationException)
        {
            Directory.CreateDirectory(rejected);
            File.Move(file, Path.Combine(rejected, name), overwrite: true);
            logger.LogWarning("Input {File} rejected: {Error}", name, e.Message);
        }
        catch (IOException e)
        {
            logger.LogDebug("Input {File} not readable yet: {Error}", name, e.Message);
        }
    }
}
