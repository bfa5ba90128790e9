using Microsoft.Data.Sqlite;

namespace Dify.Durable.Storage;

/// <summary>Read side of the store. Each read takes a pooled connection; WAL gives it a consistent snapshot
/// that never blocks (and is never blocked by) the writer.</summary>
internal sealed class HistoryReader(string connectionString)
{
    private const string StateColumns = "instance_id, name, status, input, output, error, custom_status, created_at, updated_at";

    public async Task<OrchestrationState?> GetStateAsync(string instanceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StateColumns} FROM instances WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadState(reader) : null;
    }

    public async Task<IReadOnlyList<OrchestrationState>> GetUnfinishedAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StateColumns} FROM instances WHERE status IN (0, 1) ORDER BY created_at";
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var states = new List<OrchestrationState>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            states.Add(ReadState(reader));
        }
        return states;
    }

    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, kind, task_id, name, payload, detail, ts FROM history WHERE instance_id = $id ORDER BY seq";
        command.Parameters.AddWithValue("$id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var events = new List<HistoryEvent>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            events.Add(new HistoryEvent(
                reader.GetInt32(0),
                (HistoryEventType)reader.GetInt32(1),
                new DateTime(reader.GetInt64(6), DateTimeKind.Utc),
                reader.GetInt32(2),
                NullableString(reader, 3),
                NullableString(reader, 4),
                NullableString(reader, 5)));
        }
        return events;
    }

    /// <summary>Raised events not yet consumed by the orchestrator, oldest first.</summary>
    public async Task<IReadOnlyList<(long RowId, string Name, string? Payload)>> GetInboxAsync(string instanceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name, payload FROM inbox WHERE instance_id = $id ORDER BY id";
        command.Parameters.AddWithValue("$id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<(long, string, string?)>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), NullableString(reader, 2)));
        }
        return rows;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    private static OrchestrationState ReadState(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        (OrchestrationStatus)reader.GetInt32(2),
        NullableString(reader, 3),
        NullableString(reader, 4),
        NullableString(reader, 5),
        NullableString(reader, 6),
        new DateTime(reader.GetInt64(7), DateTimeKind.Utc),
        new DateTime(reader.GetInt64(8), DateTimeKind.Utc));

    private static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
