using Dify.Cloud.Knowledge;
using Microsoft.Azure.Functions.Worker;

namespace Dify.Functions.Triggers;

/// <summary>
/// Event Grid tells the blob trigger about new and replaced blobs only; this timer (app setting
/// <c>Knowledge__ReconcileSchedule</c>, NCRONTAB with seconds, default every 5 minutes) removes the chunks of deleted
/// document blobs and ingests changed or missed ones.
/// </summary>
public sealed class ReconcileFunction(DocumentReconciler reconciler)
{
    [Function("ReconcileDocuments")]
    public async Task Run([TimerTrigger("%Knowledge:ReconcileSchedule%")] TimerInfo timer, FunctionContext context) =>
        await reconciler.ReconcileAsync(context.CancellationToken);
}
