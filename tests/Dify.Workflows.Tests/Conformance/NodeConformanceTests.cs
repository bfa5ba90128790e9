using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Tests.Engine;

namespace Dify.Workflows.Tests.Conformance;

/// <summary>Every I/O node type through the real engine, with exact outputs (DIFY-SPEC §2, §3, §4).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class NodeConformanceTests(ConformanceFixture fixture)
{
    private readonly ConformanceHarness _h = fixture.Harness;

    private static StartRunOptions Inputs(string json, string? query = null) =>
        new() { Inputs = JsonNode.Parse(json)!.AsObject(), Query = query };

    private static JsonNode? Parse(JsonNode? body) => JsonNode.Parse(body!.GetValue<string>());

    [Fact]
    public async Task Llm_in_a_workflow_renders_the_prompt_onto_the_wire_and_streams_its_tokens_as_text_chunks()
    {
        _h.Models.ClearRequests();
        _h.Responder = _ => new ChatReply { Text = "Otters hold hands while sleeping.", ChunkSize = 4 };
        var run = await _h.RunAsync(ConformanceHarness.Fixture("llm_workflow.yml"),
            Inputs("""{"topic":"otters","facts":{"count":3,"kind":"sea"}}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""{"text":"Otters hold hands while sleeping."}""", run.Result.Outputs);

        var request = Assert.Single(_h.Models.Requests);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.True(request.Stream);
        Assert.Equal(0.2, request.Temperature);
        Assert.Equal(64, request.MaxTokens);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("You write one line about otters.", request.Messages[0].Text);
        // Objects render as Python json.dumps; a missing variable renders as its literal selector text (§3.2).
        Assert.Equal("""Facts: {"count": 3, "kind": "sea"} / count 3 / missing start.nothing""", request.Messages[1].Text);

        // The model's chunks reach the public stream in order, and concatenate to the output.
        var chunks = run.Named("text_chunk").Select(e => e.Data["text"]!.ToString()).ToList();
        Assert.Equal(["Otte", "rs h", "old ", "hand", "s wh", "ile ", "slee", "ping", "."], chunks);
        Assert.All(run.Named("text_chunk"), e => JsonAssert.Equal("""["llm","text"]""", e.Data["from_variable_selector"]));
        var llm = run.Outputs("llm");
        Assert.Equal("stop", llm["finish_reason"]!.ToString());
        Assert.True(llm["usage"]!["total_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(run.Result.TotalTokens, llm["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Llm_in_a_chatflow_streams_message_events_through_the_answer()
    {
        _h.Models.ClearRequests();
        _h.Responder = r => ChatReply.FromText("You said " + r.LastUserText + " twice");
        var run = await _h.RunAsync(ConformanceHarness.Fixture("llm_chatflow.yml"), Inputs("{}", query: "hello"));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("Bot: You said hello twice", run.Result.Answer);
        JsonAssert.Equal("""{"answer":"Bot: You said hello twice"}""", run.Result.Outputs);
        var messages = run.Named("message").Select(e => e.Data["answer"]!.ToString()).ToList();
        Assert.Equal(["Bot: ", "You", " said", " hello", " twice"], messages);
        Assert.DoesNotContain(run.Events, e => e.Event == "text_chunk");
        Assert.Equal(["message_end", "workflow_finished"], run.Events.TakeLast(2).Select(e => e.Event));
        var request = Assert.Single(_h.Models.Requests);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("hello", request.Messages[1].Text);
    }

    [Theory]
    [InlineData(4, """{"result":"EVEN even:8","big":false,"words":["n","n","n","n"]}""", "even")]
    [InlineData(3, """{"result":"ODD odd:6 3","big":false,"words":["n","n","n"]}""", "odd")]
    [InlineData(12, """{"result":"ODD even:24 12","big":true,"words":["n","n","n","n","n","n","n","n","n","n","n","n"]}""", "odd")]
    public async Task Python_and_javascript_code_feed_an_if_else(int n, string expected, string branch)
    {
        var run = await _h.RunAsync(ConformanceHarness.Fixture("code_ifelse.yml"), Inputs($$"""{"n":{{n}}}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal(expected, run.Result.Outputs);
        Assert.Equal(["start", "py", "js", "branch", branch, "join", "end"], run.Started);
        // The End streams its outputs joined by "\n" in markdown form: bools as Python spells them, arrays as "- item" lines.
        var streamed = run.Result.Outputs["result"] + "\n" + (n > 5 ? "True" : "False") + "\n" + string.Join("\n", Enumerable.Repeat("- n", n));
        Assert.Equal(streamed, run.Streamed("text_chunk"));
        var py = run.Outputs("py");
        Assert.Equal(n * 2, py["doubled"]!.GetValue<int>());
        JsonAssert.Equal(n % 2 == 0 ? """{"even":true}""" : """{"even":false}""", py["meta"]);
    }

    [Fact]
    public async Task Template_transform_renders_jinja2_with_object_values()
    {
        var run = await _h.RunAsync(ConformanceHarness.Fixture("template.yml"),
            Inputs("""{"name":"ada","data":{"scores":{"zeta":3,"alpha":1.5,"mid":"<b>"},"tags":["x","y","z"],"flag":true,"ratio":0.25}}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        // Expected text produced by Python's jinja2 for the same template and values.
        Assert.Equal("Hi ADA!\nzeta=3;alpha=1.5;mid=<b>;\nx, y, z (3)\n{\"alpha\": 1.5, \"mid\": \"\\u003cb\\u003e\", \"zeta\": 3}\nflag on 0.25 ",
            run.Result.Outputs["out"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_get_with_params_headers_and_bearer_then_post_json()
    {
        var run = await _h.RunAsync(_h.FixtureWithWeb("http.yml"), Inputs("""{"q":"café au lait","n":7}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal(200, run.Result.Outputs["get_status"]!.GetValue<int>());
        JsonAssert.Equal("""
            {"method":"GET","query":{"q":["café au lait"],"lang":["en","fr"]},
             "headers":{"authorization":"Bearer secret-7","x-trace":"t-7","x-static":"yes"},"body":""}
            """, Parse(run.Result.Outputs["get_body"]));
        var post = Parse(run.Result.Outputs["post_body"])!.AsObject();
        Assert.Equal("POST", post["method"]!.ToString());
        Assert.Equal("application/json", post["headers"]!["content-type"]!.ToString().Split(';')[0]);
        JsonAssert.Equal("""{"q":"café au lait","n":7,"prev":200}""", JsonNode.Parse(post["body"]!.GetValue<string>()));
        // Response headers come out as a dict with lower-case names (httpx.Headers in Dify).
        var headers = run.Outputs("get")["headers"]!.AsObject();
        Assert.Equal("application/json", headers["content-type"]!.ToString());
        Assert.All(headers, h => Assert.Equal(h.Key.ToLowerInvariant(), h.Key));
        JsonAssert.Equal("[]", run.Outputs("get")["files"]);
    }

    [Fact]
    public async Task Http_non_2xx_succeeds_without_error_strategy_and_fails_into_the_strategy_with_one()
    {
        var run = await _h.RunAsync(_h.FixtureWithWeb("http_status.yml"));

        run.AssertStatus(WorkflowRunStatus.PartialSucceeded);
        Assert.Equal(2, run.Result.ExceptionsCount);
        JsonAssert.Equal("""
            {"plain_status":404,"plain_body":"status 404","defaulted_body":"fallback","defaulted_status":0,
             "defaulted_error":"HTTPResponseCodeError","ok":null,"failed":"handled: Request failed with status code 502"}
            """, run.Result.Outputs);
        Assert.Equal("succeeded", run.Finished("plain")["status"]!.ToString());
        Assert.Equal("exception", run.Finished("defaulted")["status"]!.ToString());
        Assert.Equal("exception", run.Finished("branching")["status"]!.ToString());
        Assert.Equal("Request failed with status code 500", run.Outputs("defaulted")["error_message"]!.ToString());
        Assert.DoesNotContain("ok_path", run.Started);
        // The skipped node's variable is dropped from the End's stream; the text around it stays.
        Assert.Equal("404\nstatus 404\nfallback\n0\nHTTPResponseCodeError\n\nhandled: Request failed with status code 502", run.Streamed("text_chunk"));
    }

    [Fact]
    public async Task Retry_config_retries_a_failing_http_request_until_it_succeeds()
    {
        var key = Guid.NewGuid().ToString("N");
        var run = await _h.RunAsync(_h.FixtureWithWeb("retry.yml").Replace("KEY", key));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""{"status":200,"body":"{\"ok\":true,\"attempt\":3}"}""", run.Result.Outputs);
        Assert.Equal(3, _h.Routes.FlakyCalls(key));
        var retries = run.Named("node_retry").ToList();
        Assert.Equal([1, 2], retries.Select(e => e.Data["retry_index"]!.GetValue<int>()));
        Assert.All(retries, e =>
        {
            Assert.Equal("flaky", e.Data["node_id"]!.ToString());
            Assert.Equal("retry", e.Data["status"]!.ToString());
            Assert.Contains("503", e.Data["error"]!.ToString());
        });
        Assert.Single(run.Named("node_started"), e => e.Data["node_id"]!.ToString() == "flaky");
        Assert.Equal("succeeded", run.Finished("flaky")["status"]!.ToString());
        var check = await _h.Runtime.VerifyReplayAsync(run.RunId, CancellationToken.None);
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    [Fact]
    public async Task Llm_retry_config_retries_a_failed_model_call()
    {
        _h.Models.ClearRequests();
        var calls = 0;
        _h.Responder = _ => Interlocked.Increment(ref calls) == 1 ? ChatReply.Error(500, "overloaded") : ChatReply.FromText("pong");
        var run = await _h.RunAsync(ConformanceHarness.Fixture("llm_retry.yml"));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""{"text":"pong"}""", run.Result.Outputs);
        Assert.Equal(2, _h.Models.Requests.Count);
        var retry = Assert.Single(run.Named("node_retry"));
        Assert.Equal(1, retry.Data["retry_index"]!.GetValue<int>());
        Assert.Contains("overloaded", retry.Data["error"]!.ToString());
    }

    [Fact]
    public async Task Code_failures_go_to_the_fail_branch_or_the_default_values()
    {
        var run = await _h.RunAsync(ConformanceHarness.Fixture("code_errors.yml"));

        run.AssertStatus(WorkflowRunStatus.PartialSucceeded);
        Assert.Equal(2, run.Result.ExceptionsCount);
        Assert.Equal("Output y is missing.", run.Result.Outputs["handled"]!.ToString());
        Assert.Equal(42, run.Result.Outputs["x"]!.GetValue<int>());
        Assert.Contains("boom", run.Outputs("raises")["error_message"]!.ToString());
    }

    [Theory]
    [InlineData("c-billing", "end_billing", """{"team":"billing team (Billing questions)","class_id":"c-billing"}""")]
    [InlineData("1720796069925", "end_tech", """{"team":"tech team (Technical problems)","class_id":"1720796069925"}""")]
    [InlineData("no-such-class", "end_billing", """{"team":"billing team (Billing questions)","class_id":"c-billing"}""")]
    public async Task Question_classifier_branches_by_class_id(string answeredId, string endNode, string expected)
    {
        _h.Models.ClearRequests();
        _h.Responder = _ => ChatReply.FromText("```json\n{\"keywords\": [\"invoice\"], \"category_id\": \"" + answeredId + "\", \"category_name\": \"whatever\"}\n```");
        var run = await _h.RunAsync(ConformanceHarness.Fixture("classifier.yml"), Inputs("""{"q":"My invoice is wrong"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal(expected, run.Result.Outputs);
        Assert.Contains(endNode, run.Started);
        Assert.Single(run.Started, id => id.StartsWith("end_", StringComparison.Ordinal));
        var request = Assert.Single(_h.Models.Requests);
        Assert.Contains("My invoice is wrong", request.LastUserText);
        Assert.Contains("1720796069925", string.Concat(request.Messages.Select(m => m.Text)));
        Assert.Contains("Route support tickets.", string.Concat(request.Messages.Select(m => m.Text)));
    }

    [Theory]
    [InlineData("4", 1)]
    [InlineData("\"4\"", 0)] // a string for a number fails validation (__is_success 0) but is still coerced (Dify's _transform_result)
    public async Task Parameter_extractor_feeds_an_iteration(string days, int success)
    {
        _h.Models.ClearRequests();
        _h.Responder = _ => ChatReply.WithToolCall("extract_parameters", $$"""{"cities":["Paris","Oslo","Lima"],"days":{{days}}}""");
        var run = await _h.RunAsync(ConformanceHarness.Fixture("extractor_iteration.yml"), Inputs("""{"q":"Paris, Oslo and Lima in 4 days"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal($$"""{"lines":["1. Paris (4d)","2. Oslo (4d)","3. Lima (4d)"],"ok":{{success}},"days":4}""", run.Result.Outputs);
        Assert.Equal(3, run.Named("iteration_next").Count());
        var request = Assert.Single(_h.Models.Requests);
        Assert.Equal("extract_parameters", request.ForcedToolName ?? request.Tools.Single().Name);
        var schema = request.Tools.Single().Parameters!;
        Assert.Equal("array", schema["properties"]!["cities"]!["type"]!.ToString());
        Assert.Equal("number", schema["properties"]!["days"]!["type"]!.ToString());
        Assert.Contains("Paris, Oslo and Lima in 4 days", string.Concat(request.Messages.Select(m => m.Text)));
    }

    [Fact]
    public async Task Document_extractor_reads_uploaded_files()
    {
        var doc = await _h.Files.SaveAsync("notes.md", "text/markdown", new MemoryStream(Encoding.UTF8.GetBytes("# Notes\n\nOtters are *mustelids*.\n")), "local_file", CancellationToken.None);
        var csv = await _h.Files.SaveAsync("table.csv", "text/csv", new MemoryStream(Encoding.UTF8.GetBytes("name,age\nAda,36\nLin,41\n")), "local_file", CancellationToken.None);
        var txt = await _h.Files.SaveAsync("plain.txt", "text/plain", new MemoryStream(Encoding.UTF8.GetBytes("just text")), "local_file", CancellationToken.None);
        var inputs = new JsonObject { ["doc"] = doc, ["sheets"] = new JsonArray(csv, txt) };
        var run = await _h.RunAsync(ConformanceHarness.Fixture("document.yml"), new StartRunOptions { Inputs = inputs });

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("# Notes\n\nOtters are *mustelids*.\n", run.Result.Outputs["text"]!.GetValue<string>());
        Assert.Equal("notes.md", run.Result.Outputs["name"]!.GetValue<string>());
        // CSV becomes a markdown table (§2.18); an array of files gives an array of strings.
        JsonAssert.Equal("""["| name | age |\n| ---- | --- |\n| Ada | 36 |\n| Lin | 41 |\n","just text"]""", run.Result.Outputs["many"]);
    }

    [Fact]
    public async Task Knowledge_retrieval_feeds_llm_context_and_the_run_reports_retriever_resources()
    {
        SeedKnowledge(_h.Knowledge);
        _h.Models.ClearRequests();
        _h.Responder = r => ChatReply.FromText(r.Messages[0].Text.Contains("Cats purr", StringComparison.Ordinal) ? "Because they are content." : "No context.");
        var run = await _h.RunAsync(ConformanceHarness.Fixture("knowledge.yml"), Inputs("{}", query: "why do cats purr"));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("Because they are content.", run.Result.Answer);
        var result = run.Outputs("kr")["result"]!.AsArray();
        Assert.Equal(2, result.Count);
        Assert.Equal("Cats purr when they are content.", result[0]!["content"]!.ToString());
        var request = Assert.Single(_h.Models.Requests);
        Assert.Equal("Answer from the context.\n<context>\nCats purr when they are content.\nCats sleep sixteen hours a day.\n</context>", request.Messages[0].Text);

        var resources = run.Result.RetrieverResources;
        Assert.Equal(2, resources.Count);
        var first = resources[0]!.AsObject();
        Assert.Equal(1, first["position"]!.GetValue<int>());
        Assert.Equal("kb-pets", first["dataset_id"]!.ToString());
        Assert.Equal("Pets", first["dataset_name"]!.ToString());
        Assert.Equal("cats", first["document_id"]!.ToString());
        Assert.Equal("cats.md", first["document_name"]!.ToString());
        Assert.Equal("Cats purr when they are content.", first["content"]!.ToString());
        Assert.True(first["score"]!.GetValue<double>() > 0);
        var end = run.Named("message_end").Single();
        JsonAssert.Equal(resources.ToJsonString(), end.Data["metadata"]!["retriever_resources"]);
    }

    internal static void SeedKnowledge(InMemoryKnowledgeIndex index)
    {
        index.AddDataset("kb-pets", "Pets", "Care of cats and dogs", new DatasetRetrievalSettings(SearchMethod.FullText, TopK: 3));
        index.AddDataset("kb-cooking", "Cooking", "Recipes", new DatasetRetrievalSettings(SearchMethod.FullText, TopK: 3));
        index.AddDocument("kb-pets", "cats", "cats.md", ["Cats purr when they are content.", "Cats sleep sixteen hours a day."]);
        index.AddDocument("kb-pets", "dogs", "dogs.md", ["Dogs wag their tails."]);
        index.AddDocument("kb-cooking", "bread", "bread.md", ["Bread dough rises when yeast ferments."]);
    }

    [Fact]
    public async Task Iteration_runs_an_llm_per_item_in_parallel_and_keeps_input_order()
    {
        _h.Models.ClearRequests();
        // The first items answer slowest, so completion order is the reverse of input order.
        _h.Responder = r =>
        {
            var item = r.LastUserText.Split(": ")[1];
            var delay = item switch { "alpha" => 900, "beta" => 600, "gamma" => 300, _ => 0 };
            return new ChatReply { Text = item.ToUpperInvariant() + "!", Delay = TimeSpan.FromMilliseconds(delay) };
        };
        var run = await _h.RunAsync(ConformanceHarness.Fixture("iteration_llm.yml"), Inputs("""{"csv":"alpha, beta, gamma, delta"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""{"out":["ALPHA!","BETA!","GAMMA!","DELTA!"]}""", run.Result.Outputs);
        Assert.Equal(4, _h.Models.Requests.Count);
        Assert.Equal(["shout #0: alpha", "shout #1: beta", "shout #2: gamma", "shout #3: delta"],
            _h.Models.Requests.Select(r => r.LastUserText).Order(StringComparer.Ordinal));
        // Parallel: every request arrived before the slowest one could have been answered.
        var arrivals = _h.Models.Requests.Select(r => r.ReceivedAt).ToList();
        Assert.True(arrivals.Max() - arrivals.Min() < TimeSpan.FromMilliseconds(1500), $"requests spread over {(arrivals.Max() - arrivals.Min()).TotalMilliseconds} ms");
        Assert.Equal(4, run.Named("iteration_next").Count());
        Assert.All(run.Named("node_started").Where(e => e.Data["node_id"]!.ToString() == "shout"),
            e => Assert.Equal("iter", e.Data["iteration_id"]!.ToString()));
        // The inner llm's tokens are not public (no End references them); the End streams the array in markdown form.
        var chunk = Assert.Single(run.Named("text_chunk"));
        JsonAssert.Equal("""{"text":"- ALPHA!\n- BETA!\n- GAMMA!\n- DELTA!","from_variable_selector":["iter","output"]}""", chunk.Data);
        var check = await _h.Runtime.VerifyReplayAsync(run.RunId, CancellationToken.None);
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    [Fact]
    public async Task Parallel_branches_with_slow_http_calls_really_run_in_parallel_and_join_at_the_aggregator()
    {
        var key = Guid.NewGuid().ToString("N");
        var run = await _h.RunAsync(_h.FixtureWithWeb("parallel_join.yml").Replace("KEY", key));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal($$"""{"joined":"{\"key\":\"{{key}}-a\",\"slept\":1200}","b":"{\"key\":\"{{key}}-b\",\"slept\":1200}"}""", run.Result.Outputs);
        var log = _h.Routes.SlowLog.Where(l => l.Key.StartsWith(key, StringComparison.Ordinal)).ToList();
        var starts = log.Where(l => l.Phase == "start").Select(l => l.At).ToList();
        var ends = log.Where(l => l.Phase == "end").Select(l => l.At).ToList();
        Assert.Equal(2, starts.Count);
        Assert.True(starts.Max() < ends.Min(), "both slow calls must be in flight together");

        var names = run.Events.Select(e => (e.Event, Node: e.Data["node_id"]?.ToString())).ToList();
        var lastStart = Math.Max(names.IndexOf(("node_started", "slow_a")), names.IndexOf(("node_started", "slow_b")));
        var firstFinish = Math.Min(names.IndexOf(("node_finished", "slow_a")), names.IndexOf(("node_finished", "slow_b")));
        Assert.True(lastStart < firstFinish, "both branches start before either finishes");
        Assert.Single(run.Named("node_started"), e => e.Data["node_id"]!.ToString() == "join");
        var check = await _h.Runtime.VerifyReplayAsync(run.RunId, CancellationToken.None);
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    [Fact]
    public async Task Stopping_a_run_blocked_on_a_slow_http_call_ends_it_stopped_quickly()
    {
        var key = Guid.NewGuid().ToString("N");
        var runId = await _h.StartAsync(_h.FixtureWithWeb("stop.yml").Replace("KEY", key));
        await _h.WaitForEventAsync(runId, e => e.Event == "node_started" && e.Data["node_id"]!.ToString() == "slow");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_h.Routes.SlowLog.Any(l => l.Key == key) && DateTime.UtcNow < deadline) await Task.Delay(20);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await _h.Runs.StopAsync(runId, CancellationToken.None);
        var run = await _h.WaitAsync(runId, timeoutSeconds: 10);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"stop took {watch.Elapsed}");
        run.AssertStatus(WorkflowRunStatus.Stopped);
        Assert.DoesNotContain("after", run.Started);
        var finished = run.Named("workflow_finished").Single();
        Assert.Equal("stopped", finished.Data["status"]!.ToString());
    }

    [Fact]
    public async Task Replay_of_llm_and_code_runs_reaches_the_same_decisions()
    {
        _h.Responder = _ => ChatReply.FromText("replayed text");
        var llm = await _h.RunAsync(ConformanceHarness.Fixture("llm_workflow.yml"), Inputs("""{"topic":"t","facts":{}}"""));
        var code = await _h.RunAsync(ConformanceHarness.Fixture("code_ifelse.yml"), Inputs("""{"n":5}"""));
        _h.Responder = _ => ChatReply.WithToolCall("extract_parameters", """{"cities":["A","B"],"days":1}""");
        var extractor = await _h.RunAsync(ConformanceHarness.Fixture("extractor_iteration.yml"), Inputs("""{"q":"x"}"""));
        foreach (var run in new[] { llm, code, extractor })
        {
            run.AssertStatus(WorkflowRunStatus.Succeeded);
            var check = await _h.Runtime.VerifyReplayAsync(run.RunId, CancellationToken.None);
            Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
        }
    }
}
