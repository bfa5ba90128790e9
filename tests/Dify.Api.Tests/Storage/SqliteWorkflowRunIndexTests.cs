using System.Text.Json.Nodes;
using Dify.Storage.Runs;
using Dify.Storage.Sqlite;

namespace Dify.Api.Tests.Storage;

public sealed class SqliteWorkflowRunIndexTests : IAsyncLifetime
{
    private readonly SqliteStoreFixture _store = new();
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public Task InitializeAsync() => _store.InitializeAsync();
    public Task DisposeAsync() => _store.DisposeAsync();

    private static WorkflowRunRecord Run(string id, string app, int second) =>
        new(id, app, "wf-1", "workflow", "eu", "alice", null, null, "running", new JsonObject { ["name"] = "x" }, null, null, 0, 0, 0, 0, T0.AddSeconds(second), null);

    [Fact]
    public async Task Runs_are_found_by_app_finished_once_and_listed_newest_first()
    {
        var index = new SqliteWorkflowRunIndex(_store.Db);
        await index.AddAsync(Run("r1", "a", 1), Ct);
        await index.AddAsync(Run("r2", "a", 2), Ct);
        await index.AddAsync(Run("r3", "b", 3), Ct);

        Assert.Null(await index.GetAsync("b", "r1", Ct));
        Assert.Equal(Run("r1", "a", 1) with { Inputs = null! }, (await index.GetAsync("a", "r1", Ct))! with { Inputs = null! });
        Assert.Equal(["r1", "r2", "r3"], (await index.ListUnfinishedAsync(Ct)).Select(r => r.Id));

        var outcome = new WorkflowRunOutcome("succeeded", new JsonObject { ["greeting"] = "hi" }, null, 0.5, 7, 3, 0, T0.AddSeconds(9));
        await index.FinishAsync("r1", outcome, Ct);
        await index.FinishAsync("r1", outcome with { Status = "failed" }, Ct);
        var r1 = (await index.GetAsync("a", "r1", Ct))!;
        Assert.Equal(("succeeded", "hi", 0.5, 7, 3, T0.AddSeconds(9)), (r1.Status, r1.Outputs!["greeting"]!.GetValue<string>(), r1.ElapsedTime, r1.TotalTokens, r1.TotalSteps, r1.FinishedAt));
        Assert.Equal(["r2", "r3"], (await index.ListUnfinishedAsync(Ct)).Select(r => r.Id));

        var (page, total) = await index.ListAsync("a", WorkflowRunFilter.None, 1, 1, Ct);
        Assert.Equal((2, "r2", true), (total, Assert.Single(page.Items).Id, page.HasMore));
        var (succeeded, count) = await index.ListAsync("a", new WorkflowRunFilter("succeeded"), 1, 10, Ct);
        Assert.Equal((1, "r1", false), (count, Assert.Single(succeeded.Items).Id, succeeded.HasMore));
    }

    [Fact]
    public async Task Logs_filter_by_keyword_time_window_and_session()
    {
        var index = new SqliteWorkflowRunIndex(_store.Db);
        await index.AddAsync(Run("k1", "a", 10) with { Inputs = new JsonObject { ["name"] = "Torque check" } }, Ct);
        await index.AddAsync(Run("k2", "a", 20) with { SessionId = "bob" }, Ct);
        await index.AddAsync(Run("k3", "a", 30), Ct);
        await index.FinishAsync("k3", new WorkflowRunOutcome("failed", new JsonObject(), "Model provider refused TORQUE", 0.1, 0, 1, 0, T0.AddSeconds(31)), Ct);

        async Task<string[]> Ids(WorkflowRunFilter f) => (await index.ListAsync("a", f, 1, 10, Ct)).Page.Items.Select(r => r.Id).ToArray();
        Assert.Equal(["k3", "k1"], await Ids(new WorkflowRunFilter(Keyword: "torque")));
        Assert.Equal(["k2"], await Ids(new WorkflowRunFilter(SessionId: "bob")));
        Assert.Equal(["k2"], await Ids(new WorkflowRunFilter(Keyword: "BOB")));
        Assert.Equal(["k2"], await Ids(new WorkflowRunFilter(CreatedAfter: T0.AddSeconds(15), CreatedBefore: T0.AddSeconds(25))));
        Assert.Equal(["k3"], await Ids(new WorkflowRunFilter("failed", "torque")));
        Assert.Empty(await Ids(new WorkflowRunFilter(Keyword: "nothing-like-this")));
        Assert.Equal(2, (await index.ListAsync("a", new WorkflowRunFilter(Keyword: "torque"), 1, 1, Ct)).Total);
    }
}
