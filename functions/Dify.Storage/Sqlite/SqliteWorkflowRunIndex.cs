using Dify.Storage.Conversations;
using Dify.Storage.Runs;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>The API's run index in the API database.</summary>
public sealed class SqliteWorkflowRunIndex(SqliteDatabase db) : IWorkflowRunIndex
{
    private const string Columns = "id, app_id, workflow_id, mode, end_user_id, session_id, conversation_id, message_id, status, inputs, outputs, error, "
        + "elapsed_time, total_tokens, total_steps, exceptions_count, created_at, finished_at";

    public async Task AddAsync(WorkflowRunRecord run, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"INSERT INTO workflow_runs ({Columns}) VALUES ($id, $app, $workflow, $mode, $user, $session, $conversation, $message, $status, $inputs, $outputs, $error, $elapsed, $tokens, $steps, $exceptions, $created, $finished)")
            .With("$id", run.Id).With("$app", run.AppId).With("$workflow", run.WorkflowId).With("$mode", run.Mode).With("$user", run.EndUserId)
            .With("$session", run.SessionId).With("$conversation", run.ConversationId).With("$message", run.MessageId).With("$status", run.Status)
            .With("$inputs", run.Inputs).With("$outputs", run.Outputs).With("$error", run.Error).With("$elapsed", run.ElapsedTime)
            .With("$tokens", run.TotalTokens).With("$steps", run.TotalSteps).With("$exceptions", run.ExceptionsCount)
            .With("$created", run.CreatedAt).With("$finished", run.FinishedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowRunRecord?> GetAsync(string appId, string runId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM workflow_runs WHERE id = $id AND app_id = $app").With("$id", runId).With("$app", appId);
        return (await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task FinishAsync(string runId, WorkflowRunOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("""
            UPDATE workflow_runs SET status = $status, outputs = $outputs, error = $error, elapsed_time = $elapsed, total_tokens = $tokens,
                total_steps = $steps, exceptions_count = $exceptions, finished_at = $finished
            WHERE id = $id AND finished_at IS NULL
            """)
            .With("$id", runId).With("$status", outcome.Status).With("$outputs", outcome.Outputs).With("$error", outcome.Error)
            .With("$elapsed", outcome.ElapsedTime).With("$tokens", outcome.TotalTokens).With("$steps", outcome.TotalSteps)
            .With("$exceptions", outcome.ExceptionsCount).With("$finished", outcome.FinishedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<WorkflowRunRecord>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM workflow_runs WHERE finished_at IS NULL ORDER BY created_at");
        return await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task<(Page<WorkflowRunRecord> Page, int Total)> ListAsync(string appId, WorkflowRunFilter filter, int page, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        const string where = "app_id = $app AND ($status IS NULL OR status = $status) AND ($session IS NULL OR session_id = $session)"
            + " AND ($before IS NULL OR created_at < $before) AND ($after IS NULL OR created_at > $after)"
            + " AND ($keyword IS NULL OR instr(lower(inputs), $keyword) > 0 OR instr(lower(coalesce(outputs, '')), $keyword) > 0"
            + " OR instr(lower(coalesce(error, '')), $keyword) > 0 OR instr(lower(session_id), $keyword) > 0)";
        SqliteCommand Bind(SqliteCommand c) => c.With("$app", appId).With("$status", filter.Status).With("$session", filter.SessionId)
            .With("$before", filter.CreatedBefore?.ToUnixTimeMilliseconds()).With("$after", filter.CreatedAfter?.ToUnixTimeMilliseconds())
            .With("$keyword", string.IsNullOrEmpty(filter.Keyword) ? null : filter.Keyword.ToLowerInvariant());
        await using var count = Bind(connection.Command($"SELECT COUNT(*) FROM workflow_runs WHERE {where}"));
        var total = (int)(long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var command = Bind(connection.Command($"SELECT {Columns} FROM workflow_runs WHERE {where} ORDER BY created_at DESC, id DESC LIMIT $limit OFFSET $offset"))
            .With("$limit", limit).With("$offset", (long)(Math.Max(page, 1) - 1) * limit);
        var rows = await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false);
        return (new Page<WorkflowRunRecord>(rows, (long)Math.Max(page, 1) * limit < total), total);
    }

    private static WorkflowRunRecord Map(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.StringOrNull(6), r.StringOrNull(7),
        r.GetString(8), r.Object(9), r.ObjectOrNull(10), r.StringOrNull(11), r.GetDouble(12), r.GetInt32(13), r.GetInt32(14), r.GetInt32(15),
        r.Time(16), r.TimeOrNull(17));
}
