using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Tests.Dsl;
using Dify.Workflows.Tests.Engine;

namespace Dify.Workflows.Tests.Conformance;

/// <summary>
/// The real Dify exports in ../shared/dsl-samples, imported, compiled and run on the real engine with the local
/// model server scripted per sample (tests pass without running anything when the folder is absent).
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class SampleConformanceTests(ConformanceFixture fixture)
{
    private readonly ConformanceHarness _h = fixture.Harness;

    private static string? Sample(string file)
    {
        if (DslSamples.Folder() is not { } folder)
        {
            Console.WriteLine("dsl-samples folder not found; skipping");
            return null;
        }
        return File.ReadAllText(Path.Combine(folder, file));
    }

    private static StartRunOptions Inputs(string json, string? query = null, JsonObject? conversation = null, JsonArray? files = null) =>
        new() { Inputs = JsonNode.Parse(json)!.AsObject(), Query = query, ConversationVariables = conversation, Files = files ?? [] };

    private static string All(RecordedChatRequest r) => string.Join("\n", r.Messages.Select(m => m.Text));

    private static string System(RecordedChatRequest r) => r.Messages.FirstOrDefault(m => m.Role == "system")?.Text ?? "";

    /// <summary>Whether the sandbox's Python has a third-party module (Dify's sandbox image ships requests, sympy...).</summary>
    private static bool PythonHas(string module)
    {
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import " + module]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Theory]
    [MemberData(nameof(DslSamples.Files), MemberType = typeof(DslSamples))]
    public void Every_sample_imports_and_compiles(string file)
    {
        if (Sample(file) is not { } yaml) return;
        var app = _h.Loader.Load(yaml, file);
        Assert.True(app.Succeeded, string.Join("\n", app.Problems));
        Assert.NotNull(app.Definition);
    }

    // ---------------------------------------------------------------- translation_workflow.yml

    [Theory]
    [InlineData("""{"target_lang":"French","source_lang":"English","source_text":"Good morning, friends.","country":""}""", "1721118559807", "Keep it simple.")]
    [InlineData("""{"target_lang":"French","source_lang":"English","source_text":"Good morning, friends."}""", "1721118559807", "Keep it simple.")]
    [InlineData("""{"target_lang":"French","source_lang":"English","source_text":"Good morning, friends.","country":"Canada"}""", "1721118668192", "In Canada say Salut.")]
    public async Task Translation_workflow_runs_the_branch_for_the_country_and_joins_at_the_aggregator(string inputs, string suggester, string suggestion)
    {
        if (Sample("translation_workflow.yml") is not { } yaml) return;
        _h.Models.ClearRequests();
        _h.Responder = r => ChatReply.FromText(System(r) switch
        {
            var s when s.Contains("specializing in translation from", StringComparison.Ordinal) => "Bonjour, mes amis.",
            var s when s.Contains("colloquially spoken in Canada", StringComparison.Ordinal) => "In Canada say Salut.",
            var s when s.Contains("constructive criticism", StringComparison.Ordinal) => "Keep it simple.",
            var s when s.Contains("translation editing", StringComparison.Ordinal) => "Salut, mes amis.",
            _ => "UNEXPECTED PROMPT",
        });
        var run = await _h.RunAsync(yaml, Inputs(inputs));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""{"output":"Salut, mes amis."}""", run.Result.Outputs);
        Assert.Equal(["1721117927142", "1721117961155", "1721118545228", suggester, "1721118847307", "1721118907775", "1721119092752"], run.Started);
        Assert.Equal("Salut, mes amis.", run.Streamed("text_chunk"));
        var requests = _h.Models.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal("deepseek-chat", requests[0].Model);
        Assert.Equal("You are an expert linguist, specializing in translation from Good morning, friends. to French\n\n\n\n\n", System(requests[0]));
        Assert.StartsWith("This is an English to French translation, please provide the French translation for this text. \n", requests[0].LastUserText);
        var improve = requests[2].LastUserText;
        Assert.Contains("<TRANSLATION>\nBonjour, mes amis.\n</TRANSLATION>", improve);
        Assert.Contains($"<EXPERT_SUGGESTIONS>\n{suggestion}\n</EXPERT_SUGGESTIONS>", improve);
    }

    // ---------------------------------------------------------------- dify_course_demo.yml

    [Fact]
    public async Task Course_demo_iterates_an_llm_over_the_outline_made_by_code()
    {
        if (Sample("dify_course_demo.yml") is not { } yaml) return;
        _h.Models.ClearRequests();
        const string Outline = """
            ```json
            [{"chapter": "第1章", "title": "入门", "contents": ["1.1 安装", "1.2 变量"]}, {"chapter": "第2章", "title": "进阶", "contents": ["2.1 装饰器"]}]
            ```
            """;
        _h.Responder = r =>
        {
            if (System(r).Contains("课程大纲", StringComparison.Ordinal)) return ChatReply.FromText(Outline);
            var m = Regex.Match(r.LastUserText, "写一篇关于(.+?) 的教程文章");
            return ChatReply.FromText(m.Success ? "文章：" + m.Groups[1].Value : "UNEXPECTED PROMPT");
        };
        var run = await _h.RunAsync(yaml, Inputs("""{"course_name":"Python"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""
            {"course_name":"Python","course":[
              {"info":{"chapter":"第1章","title":"入门","subtitle":"1.1 安装"},"course":"文章：入门 1.1 安装"},
              {"info":{"chapter":"第1章","title":"入门","subtitle":"1.2 变量"},"course":"文章：入门 1.2 变量"},
              {"info":{"chapter":"第2章","title":"进阶","subtitle":"2.1 装饰器"},"course":"文章：进阶 2.1 装饰器"}]}
            """, run.Result.Outputs);
        Assert.Equal(3, run.Named("iteration_next").Count());
        Assert.Equal(3, run.Started.Count(id => id == "1728218323079"));
        Assert.Equal(4, _h.Models.Requests.Count);
        var first = _h.Models.Requests[0];
        Assert.Equal(["system", "user", "assistant"], first.Messages.Select(m => m.Role));
        Assert.Equal("你是一个Python方面的专家，编写一个Python教程的课程大纲，并仅以JSON列表的形式输出。", first.Messages[0].Text);
    }

    // ---------------------------------------------------------------- intent_reply_qc_kr.yml

    private const string Reference = "## 回复参考内容\n";

    [Theory]
    [InlineData("1715846546749", "1718246916748", "风格化：多喝水，注意休息。")]
    [InlineData("1715846565625", "1718246959048", "风格化：请在App设备页重新配对。")]
    public async Task Intent_reply_classifies_then_answers_from_the_llm_or_the_knowledge_base(string classId, string replier, string expected)
    {
        if (Sample("intent_reply_qc_kr.yml") is not { } yaml) return;
        _h.Knowledge.AddDataset("be517915-1dd5-4d09-a67d-4d5e4e4b21a8", "App help", "App and wristband usage", new DatasetRetrievalSettings(SearchMethod.FullText, TopK: 2));
        _h.Knowledge.AddDocument("be517915-1dd5-4d09-a67d-4d5e4e4b21a8", "faq", "faq.md", ["手环，蓝牙：在App设备页重新配对。", "睡眠：每晚七小时。"]);
        _h.Models.ClearRequests();
        _h.Responder = r => ChatReply.FromText(System(r) switch
        {
            var s when s.Contains("聊天信息整理", StringComparison.Ordinal) => "### 用户意图\n手环蓝牙连接",
            var s when s.Contains("category_id", StringComparison.Ordinal) => $$"""{"keywords": ["手环"], "category_id": "{{classId}}", "category_name": "x"}""",
            var s when s.Contains("社群健康管家", StringComparison.Ordinal) => "多喝水，注意休息。",
            var s when s.Contains("官方客服人员", StringComparison.Ordinal) => s.Contains("在App设备页重新配对", StringComparison.Ordinal) ? "请在App设备页重新配对。" : "NO KNOWLEDGE",
            var s when s.Contains(Reference, StringComparison.Ordinal) => "风格化：" + s[(s.IndexOf(Reference, StringComparison.Ordinal) + Reference.Length)..],
            _ => "UNEXPECTED PROMPT",
        });
        var run = await _h.RunAsync(yaml, Inputs("""{"query":"手环，蓝牙，连接失败怎么办"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal($$"""{"output":"{{expected}}"}""", run.Result.Outputs);
        Assert.Contains(replier, run.Started);
        Assert.Equal(classId, run.Outputs("1718246909580")["class_id"]!.ToString());
        var final = _h.Models.Requests[^1];
        // The final llm's context is the aggregated reply (a string context is used as is).
        Assert.Equal(expected["风格化：".Length..], final.LastUserText);
        if (classId == "1715846565625")
        {
            var resource = Assert.Single(run.Result.RetrieverResources, r => r!["content"]!.ToString() == "手环，蓝牙：在App设备页重新配对。");
            Assert.Equal("be517915-1dd5-4d09-a67d-4d5e4e4b21a8", resource!["dataset_id"]!.ToString());
            Assert.Equal("手环，蓝牙：在App设备页重新配对。", run.Outputs("1721623802451")["result"]![0]!["content"]!.ToString());
            // One dataset in single mode: no router call (4 model calls: intent, classifier, reply, style).
            Assert.Equal(4, _h.Models.Requests.Count);
        }
        else
        {
            Assert.Empty(run.Result.RetrieverResources);
            Assert.Equal("### 用户意图\n手环蓝牙连接", _h.Models.Requests[2].LastUserText);
        }
    }

    // ---------------------------------------------------------------- llm2o1_cn.yml

    [Fact]
    public async Task Llm2o1_extracts_steps_iterates_them_and_answers()
    {
        if (Sample("llm2o1_cn.yml") is not { } yaml) return;
        _h.Models.ClearRequests();
        _h.Responder = r =>
        {
            var all = All(r);
            if (all.Contains("逐步思考", StringComparison.Ordinal)) return ChatReply.FromText("步骤一：理解\n步骤二：计算");
            if (all.Contains("提取内容中的步骤数组", StringComparison.Ordinal))
                return ChatReply.FromText("""```json\n{"steps": [{"name": "理解", "content": "读题"}, {"name": "计算", "content": "求和"}]}\n```""".Replace("\\n", "\n"));
            if (Regex.Match(all, "本轮任务名称：(.+?)，") is { Success: true } m) return ChatReply.FromText($"- {m.Groups[1].Value}：完成");
            if (all.Contains("归纳以下分析", StringComparison.Ordinal)) return ChatReply.FromText("答案是 2");
            return ChatReply.FromText("UNEXPECTED PROMPT");
        };
        var run = await _h.RunAsync(yaml, Inputs("{}", query: "1+1等于几"));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("## 问题分析步骤\n- 理解：完成\n- 计算：完成\n\n##  最终解答\n答案是 2", run.Result.Answer);
        Assert.Equal(run.Result.Answer, run.Streamed("message"));
        Assert.Equal(2, run.Named("iteration_next").Count());
        JsonAssert.Equal("""[{"name":"理解","content":"读题"},{"name":"计算","content":"求和"}]""", run.Outputs("1727188958486")["steps"]);
        var requests = _h.Models.Requests;
        Assert.Equal(5, requests.Count);
        // With memory configured and no query template, the query becomes the last user message.
        Assert.Equal(["system", "user"], requests[0].Messages.Select(m => m.Role));
        Assert.Equal("1+1等于几", requests[0].LastUserText);
        Assert.Contains("\"\"\"1+1等于几\"\"\"", System(requests[^1]));
        var check = await _h.Runtime.VerifyReplayAsync(run.RunId, CancellationToken.None);
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    // ---------------------------------------------------------------- document_chat_template.yml

    [Theory]
    [InlineData("1", "1720796099103", "1720801890321", "安装")]
    [InlineData("2", "1720796150141", "1720802221378", "提问")]
    [InlineData("1720796069925", "1720796175251", "1720802239924", "架构")]
    [InlineData("1720839653345", "1720839772247", "1720839738650", "其他")]
    public async Task Document_chat_routes_each_class_through_its_retrieval_to_its_end(string classId, string end, string llm, string className)
    {
        if (Sample("document_chat_template.yml") is not { } yaml) return;
        SeedDifyDocs();
        _h.Models.ClearRequests();
        _h.Responder = r => ChatReply.FromText(System(r) switch
        {
            var s when s.Contains("意图分析系统", StringComparison.Ordinal) => "这是dify相关的问题，需要查询文档。",
            var s when s.Contains("category_id", StringComparison.Ordinal) => $$"""{"keywords": ["dify"], "category_id": "{{classId}}", "category_name": "x"}""",
            var s when s.Contains("<context>", StringComparison.Ordinal) => "回答：" + Regex.Match(s, "<context>\n(.*?)\n</context>", RegexOptions.Singleline).Groups[1].Value.Replace("\n", "|"),
            _ => "UNEXPECTED PROMPT",
        });
        var run = await _h.RunAsync(yaml, Inputs("""{"input":"如何 安装 dify"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        // Template 2 ends with a newline that jinja2 drops (keep_trailing_newline=False), like the others.
        JsonAssert.Equal($$"""{"output":"回答：属于 {{className}} 的问题|结果：|dify 安装：运行 docker compose up -d 即可。"}""", run.Result.Outputs);
        Assert.Contains(end, run.Started);
        Assert.Contains(llm, run.Started);
        Assert.Single(run.Started, id => run.Named("node_started").First(e => e.Data["node_id"]!.ToString() == id).Data["node_type"]!.ToString() == "end");
        Assert.DoesNotContain("1720795855124", run.Started);
        var check = await _h.Runtime.VerifyReplayAsync(run.RunId, CancellationToken.None);
        Assert.True(check.IsMatch, string.Join("; ", check.Mismatches));
    }

    [Fact]
    public async Task Document_chat_rejects_questions_that_are_not_about_dify()
    {
        if (Sample("document_chat_template.yml") is not { } yaml) return;
        _h.Responder = _ => ChatReply.FromText("与dify无关。");
        var run = await _h.RunAsync(yaml, Inputs("""{"input":"今天天气"}"""));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        JsonAssert.Equal("""{"output":"你的问题 今天天气 不属于dify文档的相关内容，请重新提问。"}""", run.Result.Outputs);
        Assert.Equal(["1720794829558", "1720797295568", "1720795218540", "1720795610192", "1720795972410", "1720795855124"], run.Started);
        Assert.Equal("你的问题 今天天气 不属于dify文档的相关内容，请重新提问。", run.Streamed("text_chunk"));
    }

    private void SeedDifyDocs()
    {
        _h.Knowledge.AddDataset("8c4620fa-15d7-464f-9cb9-561f1a59eb3f", "Dify docs", "Dify documentation", new DatasetRetrievalSettings(SearchMethod.FullText, TopK: 2));
        _h.Knowledge.AddDocument("8c4620fa-15d7-464f-9cb9-561f1a59eb3f", "install", "install.md",
            ["dify 安装：运行 docker compose up -d 即可。", "模型：在设置里添加供应商。"]);
    }

    // ---------------------------------------------------------------- form_chat_demo.yml

    [Fact]
    public async Task Form_chat_shows_the_login_form_logs_in_and_then_chats()
    {
        if (Sample("form_chat_demo.yml") is not { } yaml) return;
        _h.Responder = r => ChatReply.FromText("你好，" + r.LastUserText);

        // Turn 1: no token yet; the login code cannot parse "hi", so the form is shown.
        var first = await _h.RunAsync(yaml, Inputs("{}", query: "hi"));
        // Turn 3 (token already stored): the llm chats.
        var chat = await _h.RunAsync(yaml, Inputs("{}", query: "hello", conversation: new JsonObject { ["user_token"] = "user_token_test" }));
        chat.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("你好，hello", chat.Result.Answer);
        Assert.DoesNotContain("1731378644337", chat.Started);

        if (!PythonHas("requests"))
        {
            // The login code starts with "import json,requests": Dify's sandbox ships requests, the local one may not.
            first.AssertStatus(WorkflowRunStatus.Failed);
            Assert.Equal("failed", first.Finished("1731378644337")["status"]!.ToString());
            Assert.Contains("No module named 'requests'", first.Result.Error);
            return;
        }
        first.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.StartsWith("初次使用，请登录员工账号和密码哦。\n\n<form data-format=\"json\">\n", first.Result.Answer);
        Assert.EndsWith("</form>", first.Result.Answer);

        // Turn 2: the form posts JSON; svcvit logs in and the token is stored in the conversation.
        var login = await _h.RunAsync(yaml, Inputs("{}", query: """{"username":"svcvit","password":"x"}"""));
        login.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("登录成功，我们聊点什么？", login.Result.Answer);
        Assert.Equal("user_token_test", login.Result.ConversationVariables["user_token"]!.ToString());
    }

    // ---------------------------------------------------------------- llm_siege_game.yml

    [Fact]
    public async Task Siege_game_asks_to_start_before_the_game_and_to_restart_after_it()
    {
        if (Sample("llm_siege_game.yml") is not { } yaml) return;
        var pending = await _h.RunAsync(yaml, Inputs("{}", query: "hi"));
        pending.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("<div>\n<span style=\"color: red;\">还未开始游戏</span>，请点击 <button data-size=\"small\" data-variant=\"primary\" data-message=\"#开始\">开始</button> 开始游戏！\n</div>",
            pending.Result.Answer);
        Assert.Equal("pending", pending.Result.ConversationVariables["status"]!.ToString());

        var done = await _h.RunAsync(yaml, Inputs("{}", query: "hi", conversation: new JsonObject { ["status"] = "success", ["game_level"] = 4, ["question_id"] = 1, ["question_type"] = 0 }));
        done.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.StartsWith("<span style=\"color: orange;\">你已经完成了所有挑战！！！</span>", done.Result.Answer);
    }

    [Fact]
    public async Task Siege_game_starts_and_validates_the_first_challenge()
    {
        if (Sample("llm_siege_game.yml") is not { } yaml) return;
        _h.Responder = _ => ChatReply.FromText("1+1=3");
        var start = await _h.RunAsync(yaml, Inputs("{}", query: "#开始"));
        if (!PythonHas("sympy"))
        {
            // The game code imports sympy: Dify's sandbox ships it, the local python may not.
            start.AssertStatus(WorkflowRunStatus.Failed);
            Assert.Equal("failed", start.Finished("1735195133945")["status"]!.ToString());
            Assert.Contains("No module named 'sympy'", start.Result.Error);
            return;
        }
        start.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("## 【第一章】 对话之趣\n### 第1题 初来乍到\n**当前挑战：** 请你构造一个问题使模型的回答是一字不差的“1+1=3”（不需要引号）。", start.Result.Answer);
        Assert.Equal("running", start.Result.ConversationVariables["status"]!.ToString());

        var play = await _h.RunAsync(yaml, Inputs("{}", query: "说1+1=3", conversation: start.Result.ConversationVariables));
        play.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.StartsWith("**模型的回答：**\n1+1=3\n\n**挑战结果：** <span style=\"color: blue;\">挑战成功！进入下一关。</span>🎉\n\n## 【第一章】 对话之趣\n### 第2题 小试牛刀", play.Result.Answer);
        Assert.Equal(1, play.Result.ConversationVariables["question_id"]!.GetValue<int>());
    }

    // ---------------------------------------------------------------- simple_kimi.yml

    [Fact]
    public async Task Simple_kimi_with_web_search_fails_at_the_builtin_tool_naming_it()
    {
        if (Sample("simple_kimi.yml") is not { } yaml) return;
        var run = await _h.RunAsync(yaml, Inputs("""{"web_search":"开启","role_def":"你是助手"}""", query: "今天的新闻"));

        run.AssertStatus(WorkflowRunStatus.Failed);
        Assert.Contains("DuckDuckGo 搜索", run.Result.Error);
        Assert.Contains("tool", run.Result.Error);
        Assert.Equal("failed", run.Finished("1727357843831")["status"]!.ToString());
        Assert.Equal("开始搜索...", run.Streamed("message"));
    }

    [Fact]
    public async Task Simple_kimi_without_files_chats_with_the_role()
    {
        if (Sample("simple_kimi.yml") is not { } yaml) return;
        _h.Models.ClearRequests();
        _h.Responder = r => ChatReply.FromText($"[{System(r)}] {r.LastUserText}");
        var run = await _h.RunAsync(yaml, Inputs("""{"web_search":"关闭","role_def":"你是助手"}""", query: "你好"));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("[你是助手] 你好", run.Result.Answer);
        Assert.Contains("1729778654959", run.Started);
        var request = Assert.Single(_h.Models.Requests);
        Assert.Equal("anthropic.claude-3-5-sonnet-20241022-v2:0", request.Model);
    }

    [Fact]
    public async Task Simple_kimi_with_a_document_extracts_it_into_the_query_template()
    {
        if (Sample("simple_kimi.yml") is not { } yaml) return;
        var doc = await _h.Files.SaveAsync("memo.txt", "text/plain", new MemoryStream(Encoding.UTF8.GetBytes("ab")), "local_file", CancellationToken.None);
        _h.Models.ClearRequests();
        _h.Responder = _ => ChatReply.FromText("文档说 ab");
        var run = await _h.RunAsync(yaml, Inputs("""{"web_search":"关闭","role_def":"你是助手"}""", query: "总结", files: new JsonArray(doc)));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        Assert.Equal("文档说 ab", run.Result.Answer);
        Assert.Equal("ab", run.Outputs("1729777092216")["text"]!.ToString());
        // The template loops over a string (the extractor's text for one file): one <docs> block per character, as jinja2 does.
        Assert.Equal("\n<docs>\n<doc id=\"1\">\na\n</doc>\n</docs>\n\n<docs>\n<doc id=\"2\">\nb\n</doc>\n</docs>\n", run.Outputs("1729777162616")["output"]!.ToString());
        var request = Assert.Single(_h.Models.Requests);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal("你是助手, 结合上面文档内容回答问题", request.Messages[0].Text);
        Assert.Equal("ab\n\n总结\n", request.Messages[1].Text);
    }

    // ---------------------------------------------------------------- chart_demo.yml

    [Fact]
    public async Task Chart_demo_fails_at_the_http_node_that_needs_an_external_url()
    {
        if (Sample("chart_demo.yml") is not { } yaml) return;
        var run = await _h.RunAsync(yaml, Inputs("{}", query: "北京天气"));

        run.AssertStatus(WorkflowRunStatus.Failed);
        var failed = run.Finished("1731568176573");
        Assert.Equal("failed", failed["status"]!.ToString());
        Assert.Equal("获取天气数据", failed["title"]!.ToString());
        Assert.Contains("weather.cma.cn", run.Result.Error);
        Assert.DoesNotContain("1731568257888", run.Started);
    }

    [Fact]
    public async Task Chart_demo_against_a_local_climate_api_renders_an_echarts_answer()
    {
        if (Sample("chart_demo.yml") is not { } yaml) return;
        _h.Routes.JsonBodies["climate"] = """
            {"code":0,"data":{"beginYear":1991,"endYear":2020,"data":[
              {"month":1,"maxTemp":8.1,"minTemp":0.5,"rainfall":45.2},{"month":2,"maxTemp":10.2,"minTemp":2.1,"rainfall":50.0}]}}
            """;
        var run = await _h.RunAsync(yaml.Replace("https://weather.cma.cn/api/climate?stationid=58367", _h.WebUrl + "/json/climate"), Inputs("{}", query: "天气"));

        run.AssertStatus(WorkflowRunStatus.Succeeded);
        var answer = run.Result.Answer!;
        Assert.StartsWith("```echarts\n{\n  \"color\": [\n    \"#eb6877\",", answer);
        Assert.EndsWith("\n```", answer);
        var config = JsonNode.Parse(answer["```echarts\n".Length..^"\n```".Length])!;
        JsonAssert.Equal("""["1月","2月"]""", config["xAxis"]!["data"]);
        Assert.Equal("1991年-2020年月平均气温和降水", config["title"]!["subtext"]!.ToString());
        JsonAssert.Equal("[8.1,10.2]", config["series"]![0]!["data"]);
    }
}
