using Dify.Storage.Azure.Tables;
using Dify.Storage.Files;

namespace Dify.Cloud.Stores;

/// <summary>
/// Upload records in table <c>{prefix}uploads</c>: partition = app id, row = file id (so an app's lookup is always
/// app-scoped), plus a copy in partition <c>~id</c> so a signed preview URL (file id alone) is one point read too.
/// App ids never start with '~', so the two kinds of rows cannot collide.
/// </summary>
public sealed class TableUploadFileStore(CloudTables tables) : IUploadFileStore
{
    private const string ByIdPartition = "~id";

    public async Task AddAsync(UploadFileRecord file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        // The by-id copy first: a crash in between leaves a record no app lists, never an app's file a signed URL can't find.
        await tables.Client.UpsertAsync(tables.Uploads, ToEntity(ByIdPartition, file), cancellationToken: cancellationToken).ConfigureAwait(false);
        await tables.Client.InsertAsync(tables.Uploads, ToEntity(CloudTables.Key(file.AppId), file), cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadFileRecord?> GetAsync(string appId, string id, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.Uploads, CloudTables.Key(appId), CloudTables.Key(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToRecord(row);
    }

    public async Task<UploadFileRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.Uploads, ByIdPartition, CloudTables.Key(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row is null) return null;
        var record = ToRecord(row);
        // Only a file its app still lists counts (the app-scoped row is written second).
        return await GetAsync(record.AppId, record.Id, cancellationToken).ConfigureAwait(false);
    }

    private static TableEntity ToEntity(string partition, UploadFileRecord file) => new(partition, CloudTables.Key(file.Id))
    {
        { "Id", file.Id }, { "AppId", file.AppId }, { "EndUserId", file.EndUserId }, { "Name", file.Name }, { "Size", file.Size },
        { "Extension", file.Extension }, { "MimeType", file.MimeType }, { "CreatedAt", file.CreatedAt },
    };

    private static UploadFileRecord ToRecord(TableEntity row) => new(row.GetString("Id")!, row.GetString("AppId")!, row.GetString("EndUserId")!, row.GetString("Name")!,
        row.GetInt64("Size")!.Value, row.GetString("Extension")!, row.GetString("MimeType")!, row.GetDateTimeOffset("CreatedAt")!.Value);
}
