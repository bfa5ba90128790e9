using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>
/// Sends model deltas to the node stream as [node, "text"] chunks. Tagged: reasoning stays in the text
/// (provider reasoning_content wrapped in &lt;think&gt; tags, as Dify's plugins do). Separated: think blocks,
/// even when split across deltas, go to the reasoning stream instead. Not thread-safe: one per model call.
/// </summary>
internal sealed class LlmStreamRouter(INodeStream stream, ReasoningFormat format, CancellationToken cancellationToken)
{
    private const string Open = "<think>";
    private const string Close = "</think>";
    private bool _nativeReasoningOpen;
    private bool _inThink;
    private bool _trimLeading;
    private string _pending = "";

    public async ValueTask OnDeltaAsync(ChatDelta delta)
    {
        if (!string.IsNullOrEmpty(delta.Reasoning))
        {
            if (format == ReasoningFormat.Separated)
            {
                await stream.ReasoningAsync(delta.Reasoning, false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (!_nativeReasoningOpen) await TextAsync("<think>\n").ConfigureAwait(false);
                _nativeReasoningOpen = true;
                await TextAsync(delta.Reasoning).ConfigureAwait(false);
            }
        }
        if (!string.IsNullOrEmpty(delta.Text))
        {
            if (_nativeReasoningOpen)
            {
                _nativeReasoningOpen = false;
                await TextAsync("\n</think>").ConfigureAwait(false);
            }
            if (format == ReasoningFormat.Separated) await SeparateAsync(delta.Text).ConfigureAwait(false);
            else await TextAsync(delta.Text).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes held-back characters and marks the end of the streamed text.</summary>
    public async ValueTask CompleteAsync()
    {
        if (_nativeReasoningOpen)
        {
            _nativeReasoningOpen = false;
            await TextAsync("\n</think>").ConfigureAwait(false);
        }
        if (_pending.Length > 0)
        {
            if (_inThink) await stream.ReasoningAsync(_pending, false, cancellationToken).ConfigureAwait(false);
            else await EmitTextAsync(_pending).ConfigureAwait(false);
            _pending = "";
        }
        await stream.ChunkAsync("text", "", true, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SeparateAsync(string chunk)
    {
        var buffer = _pending + chunk;
        _pending = "";
        while (buffer.Length > 0)
        {
            var marker = _inThink ? Close : Open;
            var at = buffer.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            string piece;
            if (at >= 0)
            {
                piece = buffer[..at];
                buffer = buffer[(at + marker.Length)..];
            }
            else
            {
                // Hold back a tail that could be the start of the marker split across deltas.
                var keep = PartialSuffix(buffer, marker);
                piece = buffer[..^keep];
                _pending = buffer[^keep..];
                buffer = "";
            }
            if (_inThink)
            {
                if (piece.Length > 0) await stream.ReasoningAsync(piece, false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await EmitTextAsync(piece).ConfigureAwait(false);
            }
            if (at >= 0)
            {
                _inThink = !_inThink;
                _trimLeading = !_inThink; // the answer after a think block starts at its first visible character
            }
        }
    }

    private async ValueTask EmitTextAsync(string text)
    {
        if (_trimLeading)
        {
            text = text.TrimStart();
            if (text.Length == 0) return;
            _trimLeading = false;
        }
        await TextAsync(text).ConfigureAwait(false);
    }

    private ValueTask TextAsync(string text) =>
        text.Length == 0 ? ValueTask.CompletedTask : stream.ChunkAsync("text", text, false, cancellationToken);

    private static int PartialSuffix(string buffer, string marker)
    {
        for (var n = Math.Min(marker.Length - 1, buffer.Length); n > 0; n--)
        {
            if (buffer.EndsWith(marker[..n], StringComparison.OrdinalIgnoreCase)) return n;
        }
        return 0;
    }
}
