using Dify.Storage.Azure.Tables;
using Dify.Storage.Files;

namespace Dify.Cloud.Stores;

/// <summary>Upload records in table <c>{prefix}uploads</c>: partition = app id, row = file id (so a lookup is always app-scoped).</summary>
public sealed class TableUploadFileStore(CloudTables tables) : IUploadFileStore
{
    public async Task AddAsync(UploadFileRecord file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var row = new TableEntity(CloudTables.Key(file.AppId), CloudTables.Key(file.Id))
        {
            { "Id", file.Id }, { "AppId", file.AppId }, { "EndUserId", file.EndUserId }, { "Name", file.Name }, { "Size", file.Size },
            { "Extension", file.Extension }, { "MimeType", file.MimeType }, { "CreatedAt", file.CreatedAt },
        };
        await tables.Client.InsertAsync(tables.Uploads, row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadFileRecord?> GetAsync(string appId, string id, CancellationToken cancellationToken)
    {
        var row = await tables.Client.GetAsync(tables.Uploads, CloudTables.Key(appId), CloudTables.Key(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : new UploadFileRecord(row.GetString("Id")!, row.GetString("AppId")!, row.GetString("EndUserId")!, row.GetString("Name")!,
            row.GetInt64("Size")!.Value, row.GetString("Extension")!, row.GetString("MimeType")!, row.GetDateTimeOffset("CreatedAt")!.Value);
    }
}
