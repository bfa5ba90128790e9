using System.Security.Cryptography;
using System.Text;
using Dify.Storage.Apps;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;

namespace Dify.Storage.AzureStores;

/// <summary>
/// Apps in table <c>apps</c> (partition <c>app</c>, one row per app) and their DSL versions (partition <c>version</c>,
/// kept after the app goes). Each version's DSL is a blob <c>versions/{sha256(key)}.yml</c> in the templates container
/// (table properties stop at 64 KiB); rows also carry the DSL inline when it is small, to spare a read.
/// Creation order: blob, version row, app row; so an app row always has its DSL.
/// </summary>
public sealed class TableAppStore(AzureStoreAccount account) : IAppStore
{
    private const string AppPartition = "app";
    private const string VersionPartition = "version";
    private const int InlineChars = 30_000;

    private readonly TableStoreClient _tables = account.Tables;
    private readonly BlobStoreClient _blobs = account.Blobs;
    private readonly string _table = account.AppsTable;
    private readonly string _container = account.Options.TemplatesContainer;
    private readonly TableApiKeyStore _keys = new(account);

    /// <summary>The blob (in the templates container) holding a DSL version.</summary>
    public static string TemplateBlobName(string versionKey) =>
        "versions/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(versionKey))) + ".yml";

    public async Task CreateAsync(AppRecord app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var blob = TemplateBlobName(app.VersionKey);
        await _blobs.PutAsync(_container, blob, BinaryData.FromString(app.Dsl), new BlobPutOptions { ContentType = "application/yaml; charset=utf-8" }, cancellationToken).ConfigureAwait(false);
        var version = new TableEntity(VersionPartition, TableKeys.Escape(app.VersionKey)) { { "Key", app.VersionKey }, { "AppId", app.Id }, { "CreatedAt", app.CreatedAt }, { "DslBlob", blob } };
        if (app.Dsl.Length <= InlineChars) version["Dsl"] = app.Dsl;
        if (await _tables.GetAsync(_table, VersionPartition, version.RowKey, ["RowKey"], cancellationToken).ConfigureAwait(false) is null)
        {
            await _tables.UpsertAsync(_table, version, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        var row = new TableEntity(AppPartition, TableKeys.Escape(app.Id))
        {
            { "Id", app.Id }, { "Name", app.Name }, { "Mode", app.Mode }, { "VersionKey", app.VersionKey },
            { "CreatedAt", app.CreatedAt }, { "UpdatedAt", app.UpdatedAt }, { "DslBlob", blob },
        };
        LargeText.Set(row, "Description", app.Description);
        if (app.Dsl.Length <= InlineChars) row["Dsl"] = app.Dsl;
        await _tables.InsertAsync(_table, row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AppRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_table, AppPartition, TableKeys.Escape(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : await ToAppAsync(row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await _tables.ListAsync(_table, TableFilter.Equal("PartitionKey", AppPartition), cancellationToken).ConfigureAwait(false);
        var apps = await Task.WhenAll(rows.Select(r => ToAppAsync(r, cancellationToken))).ConfigureAwait(false);
        return apps.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var key = TableKeys.Escape(id);
        if (await _tables.GetAsync(_table, AppPartition, key, ["RowKey"], cancellationToken).ConfigureAwait(false) is null) return false;
        // Keys first: a crash in between leaves an app without keys, never keys of a deleted app.
        await _keys.DeleteAllAsync(id, cancellationToken).ConfigureAwait(false);
        return await _tables.DeleteIfExistsAsync(_table, AppPartition, key, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AppVersionRecord>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        var rows = await _tables.ListAsync(_table, TableFilter.Equal("PartitionKey", VersionPartition), cancellationToken).ConfigureAwait(false);
        var versions = await Task.WhenAll(rows.Select(async r => new AppVersionRecord(
            r.GetString("Key")!, r.GetString("AppId")!, await DslAsync(r, cancellationToken).ConfigureAwait(false), r.GetDateTimeOffset("CreatedAt")!.Value))).ConfigureAwait(false);
        return versions.OrderBy(v => v.CreatedAt).ThenBy(v => v.Key, StringComparer.Ordinal).ToList();
    }

    private async Task<AppRecord> ToAppAsync(TableEntity r, CancellationToken cancellationToken) => new(
        r.GetString("Id")!, r.GetString("Name")!, r.GetString("Mode")!, LargeText.Get(r, "Description") ?? "", await DslAsync(r, cancellationToken).ConfigureAwait(false),
        r.GetString("VersionKey")!, r.GetDateTimeOffset("CreatedAt")!.Value, r.GetDateTimeOffset("UpdatedAt")!.Value);

    private async Task<string> DslAsync(TableEntity row, CancellationToken cancellationToken) =>
        row.GetString("Dsl") ?? (await _blobs.GetContentAsync(_container, row.GetString("DslBlob")!, cancellationToken).ConfigureAwait(false)).ToString();
}
