using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Storage.Vectors;

internal sealed record VectorFileRow(string File, int Dimensions, long Count);

/// <summary>SQL over vector_files, on a connection the caller holds.</summary>
internal static class VectorFileRows
{
    public static async Task EnsureTableAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = VectorFileSchema.Sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>False on a knowledge file that never stored a vector in a file (readers must not create tables).</summary>
    public static async Task<bool> TableExistsAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'vector_files'";
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0;
    }

    public static async Task<VectorFileRow> GetOrAddAsync(SqliteConnection connection, string model, string file, int dimensions, CancellationToken ct)
    {
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO vector_files(model, file, dimensions, count) VALUES($model, $file, $dimensions, 0) ON CONFLICT(model) DO NOTHING";
            insert.Parameters.AddWithValue("$model", model);
            insert.Parameters.AddWithValue("$file", file);
            insert.Parameters.AddWithValue("$dimensions", dimensions);
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return await FindAsync(connection, model, ct).ConfigureAwait(false)
               ?? throw new InvalidOperationException($"The vector_files row of model '{model}' vanished right after it was written.");
    }

    public static async Task<VectorFileRow?> FindAsync(SqliteConnection connection, string model, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT file, dimensions, count FROM vector_files WHERE model = $model";
        command.Parameters.AddWithValue("$model", model);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new VectorFileRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2));
    }
}
