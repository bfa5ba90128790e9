using System.Text.Json.Nodes;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;

namespace Dify.Workflows.Tests.Engine;

public sealed class GraphSemanticsTests : IAsyncLifetime
{
    private readonly EngineHarness _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static StartRunOptions Inputs(string json) => new() { Inputs = JsonNode.Parse(json)!.AsObject() };

    [Fact]
    public async Task True_branch_runs_and_false_branch_is_skipped_then_join_runs_once()
    {
        var (result, events, _) = await _engine.RunAsync(EngineHarness.Fixture("branch_join.yml"),
            Inputs("""{"q":"oh hi there","items":{"list":[5,9,1]}}"""));
        Assert.Equal(WorkflowRunStatus.Succeeded, result.Status);
        JsonAssert.Equal("""{"picked":5,"branch":"true","skipped":null}""", result.Outputs);
        var started = events.Where(e => e.Event == "node_started").Select(e => e.Data["node_id"]!.ToString()).ToList();
        Assert.Equal(["start", "ifelse", "first", "join", "end"], started);
        Assert.Equal(5, result.TotalSteps);
    }

    [Fact]
    public async Task Else_branch_takes_the_false_handle()
    {
        var (result, _, _) = await _engine.RunAsync(EngineHarness.Fixture("branch_join.yml"),
            Inputs("""{"q":"bye","items":{"list":[5,9,1]}}"""));
        JsonAssert.Equal("""{"picked":9,"branch":"false","skipped":[9,5,1]}""", result.Outputs);
    }

    [Theory]
    [InlineData(11, """{"size":true}""")]
    [InlineData(3, """{"size":true}""")]
    [InlineData(4, """{"small":4}""")]
    public async Task Legacy_if_else_shape_is_one_case_named_true(int n, string expected)
    {
        var (result, _, _) = await _engine.RunAsync(EngineHarness.Fixture("legacy_ifelse.yml"), Inputs($$"""{"n":"{{n}}"}"""));
        Assert.Equal(WorkflowRunStatus.Succeeded, result.Status);
        JsonAssert.Equal(expected, result.Outputs);
    }

    [Theory]
    [InlineData("false", "true", "[1,2,8,9]")]
    [InlineData("false", "false", "[[1,2],[8,9]]")]
    [InlineData("true", "true", "[1,2,8,9]")]
    public async Task Iteration_keeps_input_order_and_flattens(string parallel, string flatten, string expected)
    {
        var yaml = EngineHarness.Fixture("iteration.yml").Replace("PARALLEL", parallel).Replace("FLATTEN", flatten);
        var (result, events, _) = await _engine.RunAsync(yaml, Inputs("""{"data":{"rows":[[3,1,2],[9,8]]}}"""));
        Assert.Equal(WorkflowRunStatus.Succeeded, result.Status);
        JsonAssert.Equal($$"""{"out":{{expected}}}""", result.Outputs);
        Assert.Equal(2, events.Count(e => e.Event == "iteration_next"));
        Assert.Single(events, e => e.Event == "iteration_completed");
        Assert.All(events.Where(e => e.Event == "node_started" && e.Data["node_id"]!.ToString() == "pick"),
            e => Assert.Equal("iter", e.Data["iteration_id"]!.ToString()));
    }

    [Fact]
    public async Task Iteration_over_empty_array_outputs_empty_list()
    {
        var yaml = EngineHarness.Fixture("iteration.yml").Replace("PARALLEL", "false").Replace("FLATTEN", "true");
        var (result, _, _) = await _engine.RunAsync(yaml, Inputs("""{"data":{"rows":[]}}"""));
        JsonAssert.Equal("""{"out":[]}""", result.Outputs);
    }

    [Fact]
    public async Task Loop_updates_loop_variables_until_the_break_condition()
    {
        var (result, events, _) = await _engine.RunAsync(EngineHarness.Fixture("loop.yml"), Inputs("""{"limit":3}"""));
        Assert.Equal(WorkflowRunStatus.Succeeded, result.Status);
        JsonAssert.Equal("""{"counter":3,"trail":[1,2,3],"rounds":3}""", result.Outputs);
        Assert.Equal(3, events.Count(e => e.Event == "loop_next"));
    }

    [Fact]
    public async Task Loop_break_condition_true_before_first_round_runs_no_round()
    {
        var (result, _, _) = await _engine.RunAsync(EngineHarness.Fixture("loop.yml"), Inputs("""{"limit":0}"""));
        JsonAssert.Equal("""{"counter":0,"trail":[],"rounds":0}""", result.Outputs);
    }

    [Fact]
    public async Task Error_strategies_give_partial_success_default_values_and_the_fail_branch()
    {
        var (result, events, _) = await _engine.RunAsync(EngineHarness.Fixture("error_strategy.yml"), Inputs("""{"text":"not a list"}"""));
        Assert.Equal(WorkflowRunStatus.PartialSucceeded, result.Status);
        Assert.Equal(2, result.ExceptionsCount);
        JsonAssert.Equal("""{"defaulted":["fallback"],"message":"Variable start.text is not an array"}""", result.Outputs);
        Assert.DoesNotContain(events, e => e.Event == "node_started" && e.Data["node_id"]!.ToString() == "ok");
        var finished = events.Where(e => e.Event == "node_finished").ToDictionary(e => e.Data["node_id"]!.ToString(), e => e.Data["status"]!.ToString());
        Assert.Equal("exception", finished["defaulted"]);
        Assert.Equal("exception", finished["branching"]);
    }

    [Fact]
    public async Task Tool_nodes_import_but_fail_at_run_time_naming_the_node()
    {
        var (result, events, _) = await _engine.RunAsync(EngineHarness.Fixture("tool_node.yml"));
        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Contains("Web Search", result.Error);
        Assert.Contains("provider not available", result.Error);
        Assert.Equal("failed", events.Last(e => e.Event == "workflow_finished").Data["status"]!.ToString());
    }

    [Fact]
    public async Task Max_steps_limit_fails_the_run()
    {
        var definition = _engine.Load(EngineHarness.Fixture("loop.yml"));
        var runId = await _engine.Runs.StartAsync(definition, Inputs("""{"limit":9}""") with { Limits = new RunLimits(MaxSteps: 5) }, CancellationToken.None);
        var result = await _engine.Runs.WaitAsync(runId, CancellationToken.None);
        Assert.Equal(WorkflowRunStatus.Failed, result.Status);
        Assert.Equal("Max steps 5 reached.", result.Error);
    }

    [Fact]
    public async Task Missing_required_input_is_rejected_before_a_run_exists()
    {
        var definition = _engine.Load(EngineHarness.Fixture("loop.yml"));
        var ex = await Assert.ThrowsAsync<Dify.Workflows.Nodes.Start.InputValidationException>(
            () => _engine.Runs.StartAsync(definition, new StartRunOptions(), CancellationToken.None));
        Assert.Equal("limit is required in input form", ex.Message);
    }

    [Fact]
    public async Task Events_follow_dify_order_for_a_workflow()
    {
        var (_, events, runId) = await _engine.RunAsync(EngineHarness.Fixture("legacy_ifelse.yml"), Inputs("""{"n":4}"""));
        Assert.Equal("workflow_started", events[0].Event);
        Assert.Equal("workflow_finished", events[^1].Event);
        Assert.Equal(runId, events[0].Data["id"]!.ToString());
        var idx = events.Where(e => e.Event == "node_started").Select(e => (int)e.Data["index"]!).ToList();
        Assert.Equal(Enumerable.Range(1, idx.Count), idx);
        var chunks = string.Concat(events.Where(e => e.Event == "text_chunk").Select(e => e.Data["text"]!.ToString()));
        Assert.Equal("4", chunks);
    }
}
