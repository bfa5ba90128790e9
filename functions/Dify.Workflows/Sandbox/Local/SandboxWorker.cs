using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// One running worker process and its JSON-lines conversation. Not thread-safe: the pool hands a
/// worker to one caller at a time. Any failure that leaves the conversation in an unknown state
/// (timeout, crash, garbled reply, cancellation) kills the process and clears <see cref="IsUsable"/>.
/// </summary>
internal sealed class SandboxWorker : IAsyncDisposable
{
    private static readonly JsonDocumentOptions ReplyOptions = new() { MaxDepth = 512 };
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly BoundedLineReader _stdout;
    private readonly StderrTail _stderr;
    private readonly string _scratch;
    private readonly ILogger _logger;
    private long _lastId;

    public SandboxWorker(Process process, string language, string scratch, ILogger logger)
    {
        _process = process;
        Language = language;
        _scratch = scratch;
        _logger = logger;
        _stdin = process.StandardInput.BaseStream;
        _stdout = new BoundedLineReader(process.StandardOutput.BaseStream);
        _stderr = new StderrTail(process.StandardError);
    }

    public string Language { get; }
    public int Pid => _process.Id;
    public int Calls { get; private set; }
    public bool IsUsable { get; private set; } = true;

    /// <summary>Waits for the worker's {"ready":true} line.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        byte[]? line;
        try
        {
            line = await _stdout.ReadLineAsync(64 * 1024, CancellationToken.None).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new CodeExecutionException($"The {Language} sandbox worker did not start within {Seconds(timeout)} s");
        }
        catch
        {
            Kill(); // cancelled or broken pipe: a half-started worker is of no use
            throw;
        }
        if (line is null) throw await CrashedAsync("while starting").ConfigureAwait(false);
        var ready = JsonNode.Parse(line)?.AsObject();
        if (ready?["ready"]?.GetValue<bool>() != true)
        {
            Kill();
            throw new CodeExecutionException($"The {Language} sandbox worker could not start: {ready?["error"]?.GetValue<string>() ?? Encoding.UTF8.GetString(line)}");
        }
    }

    /// <summary>Sends one request (the JSON object from <see cref="SandboxRequest.Build"/>) and returns the result.</summary>
    public async Task<JsonNode?> CallAsync(byte[] payload, LocalSandboxOptions options, CancellationToken cancellationToken)
    {
        if (!IsUsable) throw new InvalidOperationException("worker is no longer usable");
        Calls++;
        var id = ++_lastId;
        var maxReply = options.MaxOutputBytes + options.MaxCapturedOutputChars * 4 + 64 * 1024;
        // The worker enforces the timeout itself where it can (node's vm timeout); the host's
        // deadline is a little later and is the one that always holds (python, stuck workers).
        var hostTimeout = options.CallTimeout + TimeSpan.FromMilliseconds(500);
        var exchange = ExchangeAsync(id, payload, maxReply);
        byte[]? line;
        try
        {
            line = await exchange.WaitAsync(hostTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Retire(exchange);
            throw TimedOut(options);
        }
        catch (OperationCanceledException)
        {
            Retire(exchange);
            throw;
        }
        catch (LineTooLongException)
        {
            Retire(exchange);
            throw new CodeExecutionException($"Output is too large: it exceeds the limit of {options.MaxOutputBytes} bytes");
        }
        catch (IOException)
        {
            Retire(exchange);
            throw await CrashedAsync("during the call").ConfigureAwait(false);
        }
        if (line is null) throw await CrashedAsync("during the call").ConfigureAwait(false);
        return ReadReply(line, id, options);
    }

    private async Task<byte[]?> ExchangeAsync(long id, byte[] payload, int maxReply)
    {
        // {"id":N, + payload without its opening brace: the payload is one JSON object.
        var head = Encoding.ASCII.GetBytes("{\"id\":" + id.ToString(CultureInfo.InvariantCulture) + ",");
        await _stdin.WriteAsync(head).ConfigureAwait(false);
        await _stdin.WriteAsync(payload.AsMemory(1)).ConfigureAwait(false);
        await _stdin.WriteAsync("\n"u8.ToArray()).ConfigureAwait(false);
        await _stdin.FlushAsync().ConfigureAwait(false);
        return await _stdout.ReadLineAsync(maxReply, CancellationToken.None).ConfigureAwait(false);
    }

    private JsonNode? ReadReply(byte[] line, long id, LocalSandboxOptions options)
    {
        JsonObject reply;
        try
        {
            reply = JsonNode.Parse(line, documentOptions: ReplyOptions)!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            Kill();
            throw new CodeExecutionException($"The {Language} sandbox worker sent an unreadable reply; it has been replaced");
        }
        if (reply["id"] is not JsonValue replyId || !replyId.TryGetValue<long>(out var got) || got != id)
        {
            Kill();
            throw new CodeExecutionException($"The {Language} sandbox worker answered out of turn; it has been replaced");
        }
        if (reply["stdout"] is JsonValue stdout && stdout.TryGetValue<string>(out var printed) && printed.Length > 0)
            SandboxLog.UserOutput(_logger, Language, printed);
        if (reply["ok"]?.GetValue<bool>() == true)
        {
            var result = reply["result"];
            reply.Remove("result"); // detach, so the caller owns a parentless node
            return result;
        }
        var kind = reply["kind"]?.GetValue<string>();
        var error = reply["error"]?.GetValue<string>() ?? "unknown error";
        throw kind switch
        {
            "timeout" => TimedOut(options),
            "internal" => new CodeExecutionException($"The {Language} sandbox worker failed: {error}"),
            _ => new CodeExecutionException(error),
        };
    }

    private static CodeExecutionException TimedOut(LocalSandboxOptions options) =>
        new($"Code execution timed out after {Seconds(options.CallTimeout)} s");

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private async Task<CodeExecutionException> CrashedAsync(string when)
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        int? exitCode = _process.HasExited ? _process.ExitCode : null;
        var stderr = await _stderr.ReadAsync().ConfigureAwait(false);
        SandboxLog.WorkerCrashed(_logger, Language, Pid, exitCode, stderr);
        var reason = stderr.Contains("heap out of memory", StringComparison.Ordinal) || stderr.Contains("MemoryError", StringComparison.Ordinal)
            ? "memory limit exceeded"
            : $"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}";
        return new CodeExecutionException($"The {Language} sandbox worker crashed {when} ({reason}); it has been replaced");
    }

    /// <summary>Kills the process and makes sure the abandoned exchange's outcome is observed.</summary>
    private void Retire(Task exchange)
    {
        Kill();
        _ = exchange.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Kill()
    {
        IsUsable = false;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        _process.Dispose();
        SandboxFolder.DeleteQuietly(_scratch);
    }
}
