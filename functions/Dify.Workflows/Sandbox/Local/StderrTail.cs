using System.Text;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// Drains a worker's stderr (user code may write there; a full pipe would stall the worker) and
/// keeps the last few KiB for crash reports.
/// </summary>
internal sealed class StderrTail
{
    private const int Keep = 8 * 1024;
    private readonly Lock _gate = new();
    private readonly Queue<char> _tail = new();
    private readonly Task _drain;

    public StderrTail(StreamReader stderr) => _drain = DrainAsync(stderr);

    private async Task DrainAsync(StreamReader stderr)
    {
        var chunk = new char[4096];
        try
        {
            int read;
            while ((read = await stderr.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                lock (_gate)
                {
                    for (var i = 0; i < read; i++) _tail.Enqueue(chunk[i]);
                    while (_tail.Count > Keep) _tail.Dequeue();
                }
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>The tail, after waiting briefly for the pipe to close (the process is gone by then).</summary>
    public async Task<string> ReadAsync()
    {
        await Task.WhenAny(_drain, Task.Delay(500)).ConfigureAwait(false);
        lock (_gate) return new StringBuilder(_tail.Count).Append(_tail.ToArray()).ToString().Trim();
    }
}
