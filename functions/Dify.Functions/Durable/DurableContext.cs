using Dify.Cloud.Engine;
using Dify.Durable;
using Microsoft.DurableTask;
using DurableRetryPolicy = Microsoft.DurableTask.RetryPolicy;

namespace Dify.Functions.Durable;

/// <summary>Our orchestration port over Durable Functions' <see cref="TaskOrchestrationContext"/>.</summary>
internal sealed class DurableContext(TaskOrchestrationContext context) : IDurableContext
{
    public string InstanceId => context.InstanceId;
    public bool IsReplaying => context.IsReplaying;
    public DateTime CurrentUtcDateTime => context.CurrentUtcDateTime;

    public async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, ActivityOptions? options = null)
    {
        var retry = options?.Retry is { } r
            ? TaskOptions.FromRetryPolicy(new DurableRetryPolicy(r.MaxNumberOfAttempts, r.FirstRetryInterval, r.BackoffCoefficient))
            : null;
        try
        {
            return await context.CallActivityAsync<TResult>(DurableFunctionNames.Of(name), input, retry);
        }
        catch (TaskFailedException e)
        {
            throw new ActivityFailedException(name, e.FailureDetails.ErrorType, e.FailureDetails.ErrorMessage);
        }
    }

    public Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default) => context.CreateTimer(fireAtUtc, cancellationToken);

    public Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        context.WaitForExternalEvent<T>(eventName, cancellationToken);

    public void SetCustomStatus(object? status) => context.SetCustomStatus(status);

    public Guid NewGuid() => context.NewGuid();
}
