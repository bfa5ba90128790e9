using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Edge.Link.Hub;
using Dify.Edge.Templates;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Sync;

/// <summary>
/// Applies the twin's desired <c>templates</c> (<c>{id: {version, content | url + sha256, enabled}}</c>) to the store and
/// reports <c>templates: {id: {version, status, error}}</c>. Desired patches are merged (JSON merge patch) into the last
/// full document, so a patch carrying only <c>enabled</c> works; <c>{id: null}</c> removes a template. A version already
/// active or already rejected is not fetched again.
/// </summary>
public sealed partial class TemplateSync(TemplateStore store, TemplateFetcher fetcher, ITemplateSource source, int maxTemplateBytes, ILogger<TemplateSync> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private JsonObject desired = new();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>Reads the whole desired document, applies it (templates it does not list are removed) and subscribes to patches.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        source.OnDesiredPatch(ApplyPatchAsync);
        var full = await source.GetDesiredAsync(cancellationToken).ConfigureAwait(false);
        if (full is not null) await ApplyAsync(full, fullDocument: true, cancellationToken).ConfigureAwait(false);
    }

    public Task ApplyPatchAsync(JsonObject patch, CancellationToken cancellationToken) => ApplyAsync(patch, fullDocument: false, cancellationToken);

    /// <summary>Applies a full desired document or a patch; returns what was reported.</summary>
    public async Task<JsonObject> ApplyAsync(JsonObject document, bool fullDocument, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var incoming = document["templates"];
            if (incoming is null && !fullDocument) return new JsonObject();
            var before = desired;
            if (fullDocument) desired = incoming as JsonObject ?? new JsonObject();
            else if (incoming is JsonObject patch) desired = TwinPatch.Merge(desired, patch);
            else desired = new JsonObject(); // "templates": null removes them all

            var reported = new JsonObject();
            var ids = desired.Select(p => p.Key).Union(store.Active.Keys).Union(before.Select(p => p.Key)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var id in ids)
            {
                if (desired[id] is not JsonObject entry)
                {
                    if (store.Find(id) is not null || store.Statuses.ContainsKey(id))
                    {
                        await store.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
                        reported[id] = null;
                        logger.LogInformation("Template {TemplateId} removed", id);
                    }

                    continue;
                }

                var status = await ApplyEntryAsync(id, entry, cancellationToken).ConfigureAwait(false);
                if (status is not null) reported[id] = JsonSerializer.SerializeToNode(status);
            }

            var patchOut = new JsonObject { ["templates"] = reported };
            if (reported.Count > 0)
            {
                try
                {
                    await source.ReportAsync(patchOut, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reporting template states failed; they are reported again with the next change");
                }
            }

            return patchOut;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The status to report for one desired entry (reported every time: a lost report heals with the next change).</summary>
    private async Task<TemplateStatus?> ApplyEntryAsync(string id, JsonObject entry, CancellationToken cancellationToken)
    {
        var version = entry["version"] is JsonValue v ? v.ToString() : null;
        var enabled = entry["enabled"] is not JsonValue e || e.GetValueKind() != JsonValueKind.False;
        if (!IdPattern().IsMatch(id)) return await RejectAsync(id, version ?? "", $"template id '{id}' is not allowed ([A-Za-z0-9_.-], up to 64)", cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(version)) return await RejectAsync(id, "", "version is required", cancellationToken).ConfigureAwait(false);

        var current = store.Find(id);
        if (current is not null && current.Version == version)
        {
            if (current.Enabled == enabled) return store.Statuses.GetValueOrDefault(id);
            return await store.SetEnabledAsync(id, enabled, cancellationToken).ConfigureAwait(false);
        }

        if (store.Statuses.TryGetValue(id, out var last) && last.Version == version && last.Status == TemplateStatus.Rejected) return last;

        string content;
        try
        {
            content = await ContentAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TemplateRejectedException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return await RejectAsync(id, version, ex.Message, cancellationToken).ConfigureAwait(false);
        }

        return await store.ActivateAsync(id, version, content, enabled, cancellationToken).ConfigureAwait(false);
    }

    private Task<TemplateStatus> RejectAsync(string id, string version, string error, CancellationToken cancellationToken) =>
        store.RejectAsync(id, version, error, cancellationToken);

    private async Task<string> ContentAsync(JsonObject entry, CancellationToken cancellationToken)
    {
        if (entry["content"] is JsonValue c && c.GetValueKind() == JsonValueKind.String)
        {
            var text = c.GetValue<string>();
            if (Encoding.UTF8.GetByteCount(text) > maxTemplateBytes) throw new TemplateRejectedException($"template is larger than {maxTemplateBytes} bytes");
            return text;
        }

        if (entry["url"] is JsonValue u && u.GetValueKind() == JsonValueKind.String)
        {
            if (!Uri.TryCreate(u.GetValue<string>(), UriKind.Absolute, out var url)) throw new TemplateRejectedException("url is not an absolute URL");
            var sha = entry["sha256"] is JsonValue h ? h.ToString() : "";
            return await fetcher.FetchAsync(url, sha, cancellationToken).ConfigureAwait(false);
        }

        throw new TemplateRejectedException("either content (inline YAML) or url + sha256 is required");
    }
}
