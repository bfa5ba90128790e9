using Microsoft.Data.Sqlite;

namespace Dify.Durable.Storage;

/// <summary>The writer's statements, prepared once; each call only rebinds parameter values.
/// Plain BEGIN/COMMIT statements keep the hot path free of SqliteTransaction bookkeeping.</summary>
internal sealed class PreparedCommands : IDisposable
{
    private readonly List<SqliteCommand> _all = [];

    public PreparedCommands(SqliteConnection connection)
    {
        Begin = Prepare(connection, "BEGIN IMMEDIATE");
        Commit = Prepare(connection, "COMMIT");
        Rollback = Prepare(connection, "ROLLBACK");
        DeleteHistory = Prepare(connection, "DELETE FROM history WHERE instance_id = $id", "$id");
        DeleteInboxOfInstance = Prepare(connection, "DELETE FROM inbox WHERE instance_id = $id", "$id");
        UpsertInstance = Prepare(connection,
            "INSERT OR REPLACE INTO instances(instance_id, name, status, input, output, error, custom_status, created_at, updated_at) " +
            "VALUES ($id, $name, 0, $input, NULL, NULL, NULL, $ts, $ts)",
            "$id", "$name", "$input", "$ts");
        InsertEvent = Prepare(connection,
            "INSERT INTO history(instance_id, seq, kind, task_id, name, payload, detail, ts) " +
            "VALUES ($id, $seq, $kind, $task, $name, $payload, $detail, $ts)",
            "$id", "$seq", "$kind", "$task", "$name", "$payload", "$detail", "$ts");
        SetStatus = Prepare(connection,
            "UPDATE instances SET status = $status, output = $output, error = $error, updated_at = $ts WHERE instance_id = $id",
            "$id", "$status", "$output", "$error", "$ts");
        SetCustomStatus = Prepare(connection,
            "UPDATE instances SET custom_status = $custom, updated_at = $ts WHERE instance_id = $id",
            "$id", "$custom", "$ts");
        InsertInbox = Prepare(connection,
            "INSERT INTO inbox(instance_id, name, payload, created_at) VALUES ($id, $name, $payload, $ts) RETURNING id",
            "$id", "$name", "$payload", "$ts");
        DeleteInbox = Prepare(connection, "DELETE FROM inbox WHERE id = $row", "$row");
        AppendTerminated = Prepare(connection,
            "INSERT INTO history(instance_id, seq, kind, task_id, name, payload, detail, ts) " +
            "SELECT $id, COALESCE(MAX(seq), -1) + 1, $kind, -1, NULL, $payload, NULL, $ts FROM history WHERE instance_id = $id",
            "$id", "$kind", "$payload", "$ts");
        TerminateStatus = Prepare(connection,
            "UPDATE instances SET status = $status, error = $error, updated_at = $ts WHERE instance_id = $id AND status IN (0, 1)",
            "$id", "$status", "$error", "$ts");
    }

    public SqliteCommand Begin { get; }
    public SqliteCommand Commit { get; }
    public SqliteCommand Rollback { get; }
    private SqliteCommand DeleteHistory { get; }
    private SqliteCommand DeleteInboxOfInstance { get; }
    private SqliteCommand UpsertInstance { get; }
    private SqliteCommand InsertEvent { get; }
    private SqliteCommand SetStatus { get; }
    private SqliteCommand SetCustomStatus { get; }
    private SqliteCommand InsertInbox { get; }
    private SqliteCommand DeleteInbox { get; }
    private SqliteCommand AppendTerminated { get; }
    private SqliteCommand TerminateStatus { get; }

    public void Execute(WriteOp op)
    {
        switch (op)
        {
            case AppendEventsOp append:
                foreach (var e in append.Events)
                {
                    Run(InsertEvent, append.InstanceId, e.Sequence, (int)e.EventType, e.TaskId, e.Name, e.Payload, e.Detail, e.Timestamp.Ticks);
                }
                break;
            case SetStatusOp status:
                Run(SetStatus, status.InstanceId, (int)status.Status, status.Output, status.Error, status.UpdatedAt.Ticks);
                break;
            case SetCustomStatusOp custom:
                Run(SetCustomStatus, custom.InstanceId, custom.CustomStatusJson, custom.UpdatedAt.Ticks);
                break;
            case CreateInstanceOp create:
                Run(DeleteHistory, create.InstanceId);
                Run(DeleteInboxOfInstance, create.InstanceId);
                Run(UpsertInstance, create.InstanceId, create.Name, create.Input, create.CreatedAt.Ticks);
                break;
            case InsertInboxOp inbox:
                Bind(InsertInbox, inbox.InstanceId, inbox.EventName, inbox.Payload, inbox.CreatedAt.Ticks);
                inbox.RowId = (long)InsertInbox.ExecuteScalar()!;
                break;
            case DeleteInboxOp delete:
                Run(DeleteInbox, delete.RowId);
                break;
            case TerminateUnloadedOp terminate:
                Run(AppendTerminated, terminate.InstanceId, (int)HistoryEventType.ExecutionTerminated, terminate.Reason, terminate.At.Ticks);
                Run(TerminateStatus, terminate.InstanceId, (int)OrchestrationStatus.Terminated, terminate.Reason, terminate.At.Ticks);
                break;
            default:
                throw new InvalidOperationException($"Unknown write operation {op.GetType().Name}.");
        }
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        Bind(command, values);
        command.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        _all.Add(command);
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }
    }
}
