using Dify.Api.Apps;
using Dify.Api.Runs;
using Dify.IoTHub.Events;
using Dify.Storage.Conversations;
using Dify.Storage.Runs;
using Dify.Workflows.Dsl;
using Dify.Workflows.Hosting;

namespace Dify.Api.Edge;

/// <summary>
/// Routed edge events start runs the way <c>POST /v1/workflows/run</c> does (indexed, tracked, in the app's logs), under
/// the route's end user. A run id that is already indexed is not started again: that is what makes routing idempotent.
/// </summary>
public sealed class ApiEdgeWorkflowStarter(AppRegistry apps, IEndUserStore users, IWorkflowRunIndex index, RunLauncher launcher) : IEdgeWorkflowStarter
{
    public async Task<bool> StartAsync(EdgeWorkflowRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var app = await apps.GetAsync(request.AppId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"app '{request.AppId}' does not exist");
        if (app.Definition.Mode != AppMode.Workflow) throw new InvalidOperationException($"app '{request.AppId}' is a {app.Record.Mode} app; edge events start workflow apps only");
        if (await index.GetAsync(app.Id, request.RunId, cancellationToken).ConfigureAwait(false) is not null) return false;
        var user = await users.GetOrCreateAsync(app.Id, request.User, cancellationToken).ConfigureAwait(false);
        await launcher.LaunchAsync(app, user, new StartRunOptions { Inputs = request.Inputs, RunId = request.RunId }, null, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
