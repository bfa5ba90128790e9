using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>Small helpers for parameters and columns shared by the SQLite stores (times are unix milliseconds).</summary>
internal static class SqliteCommandExtensions
{
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value switch
        {
            null => DBNull.Value,
            DateTimeOffset t => t.ToUnixTimeMilliseconds(),
            JsonNode n => n.ToJsonString(),
            _ => value,
        });
        return command;
    }

    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    public static DateTimeOffset Time(this SqliteDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static DateTimeOffset? TimeOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.Time(ordinal);

    public static string? StringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static JsonObject Object(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? new JsonObject() : JsonNode.Parse(reader.GetString(ordinal)) as JsonObject ?? new JsonObject();

    public static JsonObject? ObjectOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonNode.Parse(reader.GetString(ordinal)) as JsonObject;

    public static async Task<List<T>> ReadAllAsync<T>(this SqliteCommand command, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(map(reader));
        return list;
    }
}
