using System.Text.Json.Nodes;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Runs;

namespace Dify.Storage.AzureStores;

/// <summary>A <see cref="WorkflowRunRecord"/> as a table row (JSON columns as text, split when long).</summary>
internal static class RunRows
{
    public static TableEntity ToEntity(string partition, string rowKey, WorkflowRunRecord run)
    {
        var row = new TableEntity(partition, rowKey)
        {
            { "Id", run.Id }, { "AppId", run.AppId }, { "WorkflowId", run.WorkflowId }, { "Mode", run.Mode }, { "EndUserId", run.EndUserId },
            { "SessionId", run.SessionId }, { "Status", run.Status }, { "ElapsedTime", run.ElapsedTime }, { "TotalTokens", run.TotalTokens },
            { "TotalSteps", run.TotalSteps }, { "ExceptionsCount", run.ExceptionsCount }, { "CreatedAt", run.CreatedAt },
        };
        row["ConversationId"] = run.ConversationId;
        row["MessageId"] = run.MessageId;
        row["FinishedAt"] = run.FinishedAt;
        LargeText.Set(row, "Inputs", run.Inputs.ToJsonString());
        LargeText.Set(row, "Outputs", run.Outputs?.ToJsonString());
        LargeText.Set(row, "Error", run.Error);
        return row;
    }

    public static WorkflowRunRecord ToRecord(TableEntity r) => new(
        r.GetString("Id")!, r.GetString("AppId")!, r.GetString("WorkflowId")!, r.GetString("Mode")!, r.GetString("EndUserId")!, r.GetString("SessionId")!,
        r.GetString("ConversationId"), r.GetString("MessageId"), r.GetString("Status")!,
        JsonNode.Parse(LargeText.Get(r, "Inputs") ?? "{}")!.AsObject(), LargeText.Get(r, "Outputs") is { } outputs ? JsonNode.Parse(outputs)!.AsObject() : null,
        LargeText.Get(r, "Error"), r.GetDouble("ElapsedTime") ?? 0, r.GetInt32("TotalTokens") ?? 0, r.GetInt32("TotalSteps") ?? 0, r.GetInt32("ExceptionsCount") ?? 0,
        r.GetDateTimeOffset("CreatedAt")!.Value, r.GetDateTimeOffset("FinishedAt"));
}
