using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
public sealed class PythonSandboxTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Round_trips_every_json_type_through_main_kwargs()
    {
        var inputs = new JsonObject
        {
            ["s"] = "héllo \"world\"\n",
            ["i"] = 3,
            ["f"] = 1.0,
            ["g"] = 2.5,
            ["big"] = JsonNode.Parse("12345678901234567890"),
            ["l"] = new JsonArray(1, "two", null, true),
            ["d"] = new JsonObject { ["k"] = new JsonObject { ["n"] = 1 } },
            ["none"] = null,
            ["t"] = true,
            ["fl"] = false,
        };
        const string code = """
            def main(s, i, f, g, big, l, d, none, t, fl):
                return {
                    "s": s, "i": i, "f": f, "g": g, "big": big, "l": l, "d": d, "none": none, "t": t, "fl": fl,
                    "types": [type(x).__name__ for x in (s, i, f, g, big, l, d, none, t, fl)],
                }
            """;

        var result = (await fixture.RunAsync(CodeLanguage.Python3, code, inputs))!.AsObject();

        Assert.Equal("""["str","int","float","float","int","list","dict","NoneType","bool","bool"]""", result["types"]!.ToJsonString());
        Assert.Equal("héllo \"world\"\n", result["s"]!.GetValue<string>());
        Assert.Equal("3", result["i"]!.ToJsonString());
        Assert.Equal("1.0", result["f"]!.ToJsonString()); // a float stays a float
        Assert.Equal("2.5", result["g"]!.ToJsonString());
        Assert.Equal("12345678901234567890", result["big"]!.ToJsonString());
        Assert.Equal("""[1,"two",null,true]""", result["l"]!.ToJsonString());
        Assert.Equal("""{"k":{"n":1}}""", result["d"]!.ToJsonString());
        Assert.Null(result["none"]);
        Assert.True(result.ContainsKey("none"));
        Assert.True(result["t"]!.GetValue<bool>());
        Assert.False(result["fl"]!.GetValue<bool>());
        Assert.Null(result.Parent);
    }

    [Fact]
    public async Task Int_and_float_results_keep_their_kind()
    {
        var result = (await fixture.RunAsync(CodeLanguage.Python3, "def main():\n    return {'a': 3, 'b': 1.0, 'c': 10 / 4}"))!;

        Assert.Equal("""{"a":3,"b":1.0,"c":2.5}""", result.ToJsonString());
        Assert.Equal(3, result["a"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Number, result["b"]!.GetValueKind());
        Assert.False(result["b"]!.AsValue().TryGetValue<int>(out _));
    }

    [Fact]
    public async Task Common_stdlib_modules_work()
    {
        const string code = """
            import json, re, math, datetime, random, base64, hashlib, collections, itertools, functools, uuid, decimal, statistics
            def main():
                return {
                    "json": json.loads('{"a": [1]}')["a"][0],
                    "re": re.sub(r"\d+", "#", "a1b22"),
                    "math": math.floor(math.pi * 100),
                    "date": datetime.date(2024, 2, 29).isoformat(),
                    "b64": base64.b64encode(b"hi").decode(),
                    "sha": hashlib.sha256(b"abc").hexdigest()[:8],
                    "counter": collections.Counter("aab")["a"],
                    "chain": list(itertools.chain([1], [2])),
                    "reduce": functools.reduce(lambda a, b: a + b, [1, 2, 3]),
                    "rand": 0 <= random.random() < 1,
                    "uuid": len(str(uuid.uuid4())),
                    "dec": str(decimal.Decimal("1.10") + decimal.Decimal("2.20")),
                    "mean": statistics.mean([1, 2, 3]),
                }
            """;

        var result = await fixture.RunAsync(CodeLanguage.Python3, code);

        Assert.Equal(
            """{"json":1,"re":"a#b#","math":314,"date":"2024-02-29","b64":"aGk=","sha":"ba7816bf","counter":2,"chain":[1,2],"reduce":6,"rand":true,"uuid":36,"dec":"3.30","mean":2}""",
            result!.ToJsonString());
    }

    [Fact]
    public async Task User_prints_do_not_break_the_protocol()
    {
        const string code = """
            import os, sys
            def main(x):
                print("{\"id\": 999, \"ok\": true, \"result\": {}}")
                print("more", file=sys.stderr)
                os.write(1, b"raw write to fd 1\n")
                sys.__stdout__.write("to the original stdout\n")
                return {"x": x}
            """;

        for (var i = 0; i < 3; i++)
        {
            var result = await fixture.RunAsync(CodeLanguage.Python3, code, new JsonObject { ["x"] = i });
            Assert.Equal($$"""{"x":{{i}}}""", result!.ToJsonString());
        }
    }

    [Fact]
    public async Task Syntax_error_reports_type_and_line()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.Python3, "def main():\n    return {'a': 1\n\nx = = 2\n"));

        Assert.StartsWith("SyntaxError:", e.Message);
        Assert.Contains("(line ", e.Message);
    }

    [Fact]
    public async Task Runtime_exception_reports_type_message_and_line()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.Python3, "def main():\n    x = 1\n    return {'r': x / 0}\n"));

        Assert.Equal("ZeroDivisionError: division by zero (line 3)", e.Message);
    }

    [Fact]
    public async Task Missing_main_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Python3, "x = 1\n"));

        Assert.Contains("main function is not defined", e.Message);
    }

    [Theory]
    [InlineData("[1, 2]", "list")]
    [InlineData("'text'", "str")]
    [InlineData("None", "NoneType")]
    public async Task Non_dict_result_is_rejected(string value, string type)
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Python3, $"def main():\n    return {value}\n"));

        Assert.Equal($"main must return a dict (JSON object), got {type}", e.Message);
    }

    [Fact]
    public async Task Unserialisable_result_is_rejected()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.Python3, "import datetime\ndef main():\n    return {'d': datetime.date.today()}\n"));

        Assert.Contains("not JSON serializable", e.Message);
    }

    [Fact]
    public async Task Calls_do_not_see_each_others_globals_or_builtins()
    {
        // Twice: the pool has two workers and hands them out in turn.
        for (var i = 0; i < 2; i++)
            await fixture.RunAsync(CodeLanguage.Python3, "import builtins\nleak = 1\nbuiltins.leak2 = 2\ndef main():\n    return {}");

        var result = await fixture.RunAsync(CodeLanguage.Python3, "import builtins\ndef main():\n    return {'a': 'leak' in globals(), 'b': hasattr(builtins, 'leak2')}");

        Assert.Equal("""{"a":false,"b":false}""", result!.ToJsonString());
    }
}
