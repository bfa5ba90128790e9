using System.Text.Json.Nodes;
using Dify.Storage.AzureStores;
using Dify.Storage.Runs;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.AzureStores;

/// <summary>The case of Dify.Api.Tests' SqliteWorkflowRunIndexTests (copied: same contract), plus table-specific ones.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableWorkflowRunIndexTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static WorkflowRunRecord Run(string id, string app, int second) =>
        new(id, app, "wf-1", "workflow", "eu", "alice", null, null, "running", new JsonObject { ["name"] = "x" }, null, null, 0, 0, 0, 0, T0.AddSeconds(second), null);

    [Fact]
    public async Task Runs_are_found_by_app_finished_once_and_listed_newest_first()
    {
        var index = new TableWorkflowRunIndex(await AzureStoreFixture.NewAccountAsync(azurite));
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
    public async Task Pages_walk_all_runs_and_large_inputs_and_outputs_round_trip()
    {
        var index = new TableWorkflowRunIndex(await AzureStoreFixture.NewAccountAsync(azurite));
        var big = new JsonObject { ["text"] = new string('x', 100_000) };
        for (var i = 1; i <= 5; i++) await index.AddAsync(Run("r" + i, "a", i) with { Inputs = big, ConversationId = "c", MessageId = "m" + i }, Ct);
        await index.FinishAsync("r2", new WorkflowRunOutcome("failed", big, "boom", 1, 0, 1, 1, T0.AddSeconds(20)), Ct);

        var seen = new List<string>();
        for (var p = 1; p <= 3; p++)
        {
            var (page, total) = await index.ListAsync("a", WorkflowRunFilter.None, p, 2, Ct);
            Assert.Equal(5, total);
            Assert.Equal(p < 3, page.HasMore);
            seen.AddRange(page.Items.Select(r => r.Id));
        }
        Assert.Equal(["r5", "r4", "r3", "r2", "r1"], seen);
        var r2 = (await index.GetAsync("a", "r2", Ct))!;
        Assert.Equal((100_000, 100_000, "boom", "c", "m2", 1), (r2.Inputs["text"]!.GetValue<string>().Length, r2.Outputs!["text"]!.GetValue<string>().Length, r2.Error, r2.ConversationId, r2.MessageId, r2.ExceptionsCount));
        Assert.Equal(["r1", "r3", "r4", "r5"], (await index.ListUnfinishedAsync(Ct)).Select(r => r.Id));
    }

    [Fact]
    public async Task Logs_filter_by_keyword_time_window_and_session()
    {
        var index = new TableWorkflowRunIndex(await AzureStoreFixture.NewAccountAsync(azurite));
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
