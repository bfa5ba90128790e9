using Dify.Storage.Files;

namespace Dify.Storage.Sqlite;

/// <summary>Upload records in the API database.</summary>
public sealed class SqliteUploadFileStore(SqliteDatabase db) : IUploadFileStore
{
    private const string Columns = "id, app_id, end_user_id, name, size, extension, mime_type, created_at";

    public async Task AddAsync(UploadFileRecord file, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.Command($"INSERT INTO upload_files ({Columns}) VALUES ($id, $app, $user, $name, $size, $ext, $mime, $at)")
            .With("$id", file.Id).With("$app", file.AppId).With("$user", file.EndUserId).With("$name", file.Name)
            .With("$size", file.Size).With("$ext", file.Extension).With("$mime", file.MimeType).With("$at", file.CreatedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadFileRecord?> GetAsync(string appId, string id, CancellationToken cancellationToken)
    {
        var file = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        return file?.AppId == appId ? file : null;
    }

    public async Task<UploadFileRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM upload_files WHERE id = $id").With("$id", id);
        return (await command.ReadAllAsync(r => new UploadFileRecord(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5), r.GetString(6), r.Time(7)), cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
    }
}
